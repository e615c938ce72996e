package fs2

import (
	"fmt"
	"os"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/cgroups/resources"
)

// cgroup v2 has no devices.allow: a cgroup's device policy is an eBPF
// program of type BPF_PROG_TYPE_CGROUP_DEVICE attached to it, which the
// kernel runs on each open and mknod of a device node, and whose answer
// (1 allow, 0 deny) decides. setDevices builds it from the rules with
// cilium/ebpf (as runc does) and attaches it; the kernel keeps it attached
// as long as the cgroup lives, so nothing of ours needs to stay.
func setDevices(dir string, res *resources.Resources) error {
	if res.Devices == nil {
		return nil
	}
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{
		Type:         ebpf.CGroupDevice,
		Instructions: deviceProgram(res.Devices),
		License:      "Apache-2.0",
	})
	if err != nil {
		return fmt.Errorf("load the device program: %w", err)
	}
	defer prog.Close()
	cg, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer cg.Close()
	err = link.RawAttachProgram(link.RawAttachProgramOptions{
		Target: int(cg.Fd()), Program: prog, Attach: ebpf.AttachCGroupDevice, Flags: unix.BPF_F_ALLOW_MULTI,
	})
	if err != nil {
		return fmt.Errorf("attach the device program to %s: %w", dir, err)
	}
	return nil
}

// The program's context, struct bpf_cgroup_dev_ctx: access_type (the
// access in its upper 16 bits, the type in its lower), major, minor.
const (
	devBlock = 1 // BPF_DEVCG_DEV_BLOCK
	devChar  = 2 // BPF_DEVCG_DEV_CHAR
	accMknod = 1 // BPF_DEVCG_ACC_MKNOD
	accRead  = 2
	accWrite = 4
)

// deviceProgram is, for the rules in order: if the type, major and minor
// match and every access asked for is one the rule gives, allow; and in
// the end, deny.
func deviceProgram(rules []resources.DeviceRule) asm.Instructions {
	insns := asm.Instructions{
		asm.LoadMem(asm.R2, asm.R1, 0, asm.Word), // access_type
		asm.Mov.Reg32(asm.R3, asm.R2),
		asm.And.Imm32(asm.R3, 0xFFFF), // type
		asm.Mov.Reg32(asm.R4, asm.R2),
		asm.RSh.Imm32(asm.R4, 16),                // access
		asm.LoadMem(asm.R5, asm.R1, 4, asm.Word), // major
		asm.LoadMem(asm.R6, asm.R1, 8, asm.Word), // minor
	}
	for i, r := range rules {
		next := fmt.Sprintf("rule%d", i+1)
		if r.Type != 'a' {
			typ := int32(devChar)
			if r.Type == 'b' {
				typ = devBlock
			}
			insns = append(insns, asm.JNE.Imm32(asm.R3, typ, next))
		}
		// access & ^allowed must be 0: nothing asked beyond the rule.
		insns = append(insns,
			asm.Mov.Reg32(asm.R7, asm.R4),
			asm.And.Imm32(asm.R7, ^accessMask(r.Access)),
			asm.JNE.Imm32(asm.R7, 0, next))
		if r.Major >= 0 {
			insns = append(insns, asm.JNE.Imm32(asm.R5, int32(r.Major), next))
		}
		if r.Minor >= 0 {
			insns = append(insns, asm.JNE.Imm32(asm.R6, int32(r.Minor), next))
		}
		insns = append(insns, asm.Mov.Imm32(asm.R0, 1), asm.Return())
		// The next rule starts here.
		insns = append(insns, asm.Mov.Imm32(asm.R0, 0).WithSymbol(next))
	}
	return append(insns, asm.Mov.Imm32(asm.R0, 0), asm.Return())
}

func accessMask(access string) int32 {
	var mask int32
	if strings.Contains(access, "m") {
		mask |= accMknod
	}
	if strings.Contains(access, "r") {
		mask |= accRead
	}
	if strings.Contains(access, "w") {
		mask |= accWrite
	}
	return mask
}
