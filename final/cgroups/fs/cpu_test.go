package fs

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// rtKernel is v1's real-time files as the kernel checks them: the
// runtime may never pass the period, whichever file is written.
type rtKernel struct {
	files  map[string]int64
	writes []string
}

func (k *rtKernel) write(_, file, value string) error {
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		return err
	}
	next := map[string]int64{rtFiles.period: k.files[rtFiles.period], rtFiles.budget: k.files[rtFiles.budget]}
	next[file] = n
	if next[rtFiles.budget] > next[rtFiles.period] {
		return fmt.Errorf("write %s: %w", file, unix.EINVAL)
	}
	k.files = next
	k.writes = append(k.writes, file+"="+value)
	return nil
}

func TestWriteBudgetShorterPeriodGoesAfterTheBudget(t *testing.T) {
	k := &rtKernel{files: map[string]int64{rtFiles.period: 900001, rtFiles.budget: 600001}}

	require.NoError(t, writeBudget(k.write, "", rtFiles, 10000, 3000))

	assert.Equal(t, map[string]int64{rtFiles.period: 10000, rtFiles.budget: 3000}, k.files)
	assert.Equal(t, []string{rtFiles.budget + "=3000", rtFiles.period + "=10000"}, k.writes)
}

func TestWriteBudgetLongerPeriodGoesFirst(t *testing.T) {
	k := &rtKernel{files: map[string]int64{rtFiles.period: 10000, rtFiles.budget: 3000}}

	require.NoError(t, writeBudget(k.write, "", rtFiles, 100000, 20000))

	assert.Equal(t, []string{rtFiles.period + "=100000", rtFiles.budget + "=20000"}, k.writes)
}

func TestWriteBudgetRefusedPeriodAloneFails(t *testing.T) {
	k := &rtKernel{files: map[string]int64{rtFiles.period: 900001, rtFiles.budget: 600001}}

	err := writeBudget(k.write, "", rtFiles, 10000, 0)

	require.ErrorIs(t, err, unix.EINVAL, "no budget to write first: the kernel's refusal stands")
	assert.Empty(t, k.writes)
}

func TestWriteBudgetBudgetThatNeverFitsFails(t *testing.T) {
	k := &rtKernel{files: map[string]int64{rtFiles.period: 900001, rtFiles.budget: 600001}}

	require.ErrorIs(t, writeBudget(k.write, "", rtFiles, 10000, 20000), unix.EINVAL)
}
