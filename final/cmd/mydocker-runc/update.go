package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

	units "github.com/docker/go-units"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v3"
)

// updateCommand changes a container's limits, with runc's flags, or
// with -r: linux.resources as JSON, from a file or stdin ("-"), what
// containerd's shim sends.
func updateCommand() *cli.Command {
	str := func(name, usage string, aliases ...string) cli.Flag {
		return &cli.StringFlag{Name: name, Usage: usage, Aliases: aliases}
	}
	return &cli.Command{
		Name:         "update",
		Usage:        "update a container's resource limits",
		ArgsUsage:    "ID",
		OnUsageError: usageExitsOne,
		Flags: []cli.Flag{
			str("resources", "a file of linux.resources (JSON), or - for stdin; the other flags are then ignored", "r"),
			str("blkio-weight", "block I/O weight, 10 to 1000 (where the I/O scheduler keeps one)"),
			str("cpu-period", "CFS period, in µs"),
			str("cpu-quota", "CFS quota per period, in µs (-1: none)"),
			str("cpu-burst", "not supported"),
			str("cpu-share", "CPU shares (relative weight)", "cpu-shares"),
			str("cpu-rt-period", "real-time period, in µs (cgroup v1)"),
			str("cpu-rt-runtime", "real-time runtime per period, in µs (cgroup v1)"),
			str("cpuset-cpus", "the CPUs it may use, such as 0-1"),
			str("cpuset-mems", "the memory nodes it may use"),
			str("cpu-idle", "1: schedule it as SCHED_IDLE"),
			str("memory", "memory limit, in bytes or with a unit (100m; -1: none)"),
			str("memory-reservation", "memory soft limit"),
			str("memory-swap", "memory plus swap (-1: unlimited swap)"),
			str("pids-limit", "the most processes (-1: none)"),
			str("l3-cache-schema", "not supported (Intel RDT)"),
			str("mem-bw-schema", "not supported (Intel RDT)"),
			&cli.StringFlag{Name: "kernel-memory", Hidden: true},
			&cli.StringFlag{Name: "kernel-memory-tcp", Hidden: true},
		},
		Action: exitOne(func(_ context.Context, cmd *cli.Command) error {
			for _, name := range []string{"l3-cache-schema", "mem-bw-schema"} {
				if cmd.String(name) != "" {
					return fmt.Errorf("--%s: Intel RDT is not supported by mydocker-runc", name)
				}
			}
			c, err := load(cmd)
			if err != nil {
				return err
			}
			r, err := updateResources(cmd)
			if err != nil {
				return err
			}
			return c.Update(r)
		}),
	}
}

// updateResources is what to change: -r's JSON, or the flags.
func updateResources(cmd *cli.Command) (*specs.LinuxResources, error) {
	if in := cmd.String("resources"); in != "" {
		return readResources(in)
	}
	r := &specs.LinuxResources{Memory: &specs.LinuxMemory{}, CPU: &specs.LinuxCPU{}}
	r.CPU.Cpus, r.CPU.Mems = cmd.String("cpuset-cpus"), cmd.String("cpuset-mems")
	ints := []struct {
		flag string
		dst  **int64
	}{{"cpu-quota", &r.CPU.Quota}, {"cpu-rt-runtime", &r.CPU.RealtimeRuntime}, {"cpu-idle", &r.CPU.Idle}}
	for _, f := range ints {
		if err := parseFlag(cmd, f.flag, f.dst, func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }); err != nil {
			return nil, err
		}
	}
	uints := []struct {
		flag string
		dst  **uint64
	}{{"cpu-period", &r.CPU.Period}, {"cpu-share", &r.CPU.Shares}, {"cpu-rt-period", &r.CPU.RealtimePeriod}, {"cpu-burst", &r.CPU.Burst}}
	for _, f := range uints {
		if err := parseFlag(cmd, f.flag, f.dst, func(s string) (uint64, error) { return strconv.ParseUint(s, 10, 64) }); err != nil {
			return nil, err
		}
	}
	sizes := []struct {
		flag string
		dst  **int64
	}{{"memory", &r.Memory.Limit}, {"memory-reservation", &r.Memory.Reservation}, {"memory-swap", &r.Memory.Swap}}
	for _, f := range sizes {
		if err := parseFlag(cmd, f.flag, f.dst, parseSize); err != nil {
			return nil, err
		}
	}
	if cmd.String("kernel-memory") != "" || cmd.String("kernel-memory-tcp") != "" {
		logrus.Warn("Kernel memory settings are ignored and will be removed")
	}
	var pids *int64
	if err := parseFlag(cmd, "pids-limit", &pids, func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }); err != nil {
		return nil, err
	}
	if pids != nil {
		r.Pids = &specs.LinuxPids{Limit: pids}
	}
	var weight *uint64
	if err := parseFlag(cmd, "blkio-weight", &weight, func(s string) (uint64, error) { return strconv.ParseUint(s, 10, 16) }); err != nil {
		return nil, err
	}
	if weight != nil {
		w := uint16(*weight)
		r.BlockIO = &specs.LinuxBlockIO{Weight: &w}
	}
	return r, nil
}

// parseFlag sets *dst to the flag's value, parsed, when it is given.
func parseFlag[T any](cmd *cli.Command, name string, dst **T, parse func(string) (T, error)) error {
	s := cmd.String(name)
	if s == "" {
		return nil
	}
	v, err := parse(s)
	if err != nil {
		return fmt.Errorf("invalid value for %s: %w", name, err)
	}
	*dst = &v
	return nil
}

// parseSize is a size as docker's (go-units' RAMInBytes: 100m, 1g), or
// -1: no limit.
func parseSize(s string) (int64, error) {
	if s == "-1" {
		return -1, nil
	}
	return units.RAMInBytes(s)
}

// readResources reads linux.resources as JSON from the file path, or
// from stdin for "-".
func readResources(path string) (*specs.LinuxResources, error) {
	var in io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("read --resources: %w", err)
		}
		defer f.Close()
		in = f
	}
	var r specs.LinuxResources
	if err := json.NewDecoder(in).Decode(&r); err != nil {
		return nil, fmt.Errorf("parse --resources %s: %w", path, err)
	}
	return &r, nil
}
