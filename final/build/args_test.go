package build

import (
	"runtime"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newTestLex() *shell.Lex { return shell.NewLex('\\') }

func strp(s string) *string { return &s }

func TestArgsScopeAsDockers(t *testing.T) {
	meta, err := metaArgs([]instructions.ArgCommand{{Args: []instructions.KeyValuePairOptional{
		{Key: "A", Value: strp("1")}, {Key: "B", Value: strp("${A}2")}, {Key: "C"},
	}}}, map[string]string{"C": "given"}, newTestLex())
	require.NoError(t, err)
	for k, v := range map[string]string{"A": "1", "B": "12", "C": "given", "BUILDPLATFORM": "linux/" + runtime.GOARCH, "TARGETARCH": runtime.GOARCH} {
		assert.Equal(t, v, meta[k], k)
	}

	a := newArgs(map[string]string{"D": "flag", "HTTP_PROXY": "p"}, meta)
	assert.Equal(t, []string{"HTTP_PROXY=p"}, a.env(), "a meta arg is not in a stage until declared there")
	a.declare("A", nil)
	a.declare("D", strp("default"))
	a.declare("E", strp("e"))
	a.declare("F", nil)
	a.declare("TARGETOS", nil)
	assert.Equal(t, []string{"A=1", "D=flag", "E=e", "HTTP_PROXY=p", "TARGETOS=linux"}, a.env(), "a platform arg declared has its value")
	assert.Equal(t, []string{"A=1", "D=flag", "TARGETOS=linux"}, a.historyArgs([]string{"E=env"}), "ENV hides an ARG; proxies are not shown")
	assert.Equal(t, []string{"A=1", "D=flag", "E=env", "HTTP_PROXY=p", "TARGETOS=linux"}, a.expansionEnv([]string{"E=env"}))
}

// TestUnusedArgs: a --build-arg that nothing declares is reported, the
// proxy args never are.
func TestUnusedArgs(t *testing.T) {
	given := map[string]string{"USED": "1", "TYPO": "2", "HTTP_PROXY": "p", "ALSO": "3"}
	assert.Equal(t, []string{"ALSO", "TYPO"}, unusedArgs(given, map[string]bool{"USED": true}))
	assert.Empty(t, unusedArgs(given, map[string]bool{"USED": true, "TYPO": true, "ALSO": true}))
}
