package oci

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/stretchr/testify/assert"
)

// A --process without its own takes the config's attributes, field by
// field, as runc's exec; its own win.
func TestInheritProcAttrs(t *testing.T) {
	config := &specs.Process{Scheduler: &specs.Scheduler{Policy: specs.SchedBatch},
		IOPriority: &specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_BE, Priority: 6}, ApparmorProfile: "cfg"}
	p := &specs.Process{IOPriority: &specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_IDLE}}
	inheritProcAttrs(p, config)
	assert.Equal(t, specs.SchedBatch, p.Scheduler.Policy)
	assert.Equal(t, specs.IOPRIO_CLASS_IDLE, p.IOPriority.Class)
	assert.Equal(t, "cfg", p.ApparmorProfile)
	inheritProcAttrs(p, nil)
}

// The constructor's parameters: sched_setattr's fields in order, the
// ioprio_set value (class << 13 | level).
func TestExecProcAttrParams(t *testing.T) {
	p := &specs.Process{Scheduler: &specs.Scheduler{Policy: specs.SchedRR, Priority: 7, Nice: -2,
		Flags: []specs.LinuxSchedulerFlag{specs.SchedFlagResetOnFork}},
		IOPriority: &specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_BE, Priority: 6}}
	assert.Equal(t, []string{"sched=2:1:-2:7:0:0:0", "ioprio=16390"}, execProcAttrParams(p))
	assert.Empty(t, execProcAttrParams(&specs.Process{}))
	assert.Error(t, checkSchedIO(&specs.Process{IOPriority: &specs.LinuxIOPriority{Class: "x"}}))
}
