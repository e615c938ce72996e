package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/oci"
)

func execCommand() *cli.Command {
	return &cli.Command{
		Name: "exec",
		// Flags stop at the ID: what follows is the command's (or ps's).
		StopOnNthArg: &one,
		// --cgroup cpu,cpuacct:sub is one value, as runc's.
		DisableSliceFlagSeparator: true,
		Usage:                     "run another process in a running container",
		ArgsUsage:                 "ID [COMMAND [ARG...]]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "process", Aliases: []string{"p"}, Usage: "the process, as JSON (the spec's process)"},
			&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: "give it a terminal: its master to --console-socket, or, without -d, copied to and from ours"},
			&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "return once it runs"},
			&cli.StringFlag{Name: "pid-file", Usage: "write its pid to this file"},
			&cli.StringFlag{Name: "pidfd-socket", Usage: "a unix socket to send a pidfd of the process to"},
			&cli.StringFlag{Name: "console-socket", Usage: "a unix socket to send the terminal's master to"},
			&cli.StringFlag{Name: "cwd", Usage: "its working directory"},
			&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "KEY=VALUE, added to the container's"},
			&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "UID[:GID]"},
			&cli.IntSliceFlag{Name: "additional-gids", Aliases: []string{"g"}, Usage: "more groups"},
			&cli.StringSliceFlag{Name: "cap", Aliases: []string{"c"}, Usage: "a capability to add"},
			&cli.BoolFlag{Name: "no-new-privs", Usage: "set no_new_privs"},
			&cli.IntFlag{Name: "preserve-fds", Usage: "pass N more descriptors, 3 on, to the process"},
			&cli.StringSliceFlag{Name: "cgroup", Usage: "run it in a sub-cgroup (that exists) of the container's: PATH, or CONTROLLER[,CONTROLLER]:PATH on cgroup v1"},
			&cli.StringFlag{Name: "apparmor", Usage: "the AppArmor profile of the process (ignored where the kernel has no AppArmor, as runc)"},
			&cli.StringFlag{Name: "process-label", Usage: "not supported"},
			&cli.BoolFlag{Name: "ignore-paused", Usage: "run it in a paused container too (it runs once the container is resumed)"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			status, err := runExec(cmd)
			if err != nil {
				return execFailure{err}
			}
			return exitStatus(status)
		},
	}
}

// execFailure is exec's own failure, which exits 255, as runc's: exec
// exits with the process's status otherwise, and its clients tell ours
// from the process's by 255.
type execFailure struct{ error }

func (f execFailure) Unwrap() error { return f.error }

// runExec runs the process and returns its status (0 detached).
func runExec(cmd *cli.Command) (int, error) {
	if cmd.NArg() < 1 {
		return 0, errors.New("exec: want a container ID")
	}
	if cmd.String("process-label") != "" {
		return 0, errors.New("exec: --process-label is not supported (no SELinux)")
	}
	passed, _, err := passedFiles(int64(cmd.Int("preserve-fds")), false)
	if err != nil {
		return 0, err
	}
	subs, err := oci.ParseSubCgroups(cmd.StringSlice("cgroup"))
	if err != nil {
		return 0, err
	}
	c, err := loadID(cmd, cmd.Args().First())
	if err != nil {
		return 0, err
	}
	p, err := execProcess(cmd, c)
	if err != nil {
		return 0, err
	}
	signals := make(chan os.Signal, 16)
	if !cmd.Bool("detach") {
		signal.Notify(signals)
		signal.Ignore(syscall.SIGURG, syscall.SIGPIPE)
	}
	console, socket, err := consoleFor(p.Terminal, !cmd.Bool("detach"), cmd.String("console-socket"))
	if err != nil {
		return 0, err
	}
	if console != nil {
		// The terminal comes while Exec starts the process, and is
		// copied while Exec waits for it.
		attached := make(chan error, 1)
		go func() { attached <- console.Attach() }()
		defer func() {
			console.StopWaiting() // an Exec that failed sent no terminal
			console.Close(<-attached == nil)
		}()
	}
	return c.Exec(oci.ExecOptions{Process: p, Detach: cmd.Bool("detach"), PidFile: cmd.String("pid-file"), PidfdSocket: cmd.String("pidfd-socket"),
		ConsoleSocket: socket, Signals: signals, Passed: passed, SubCgroups: subs,
		IgnorePaused: cmd.Bool("ignore-paused")})
}

// execProcess is the process to run: --process's file, or the
// container's own process with the command and flags over it.
func execProcess(cmd *cli.Command, c *oci.Container) (*specs.Process, error) {
	if path := cmd.String("process"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read --process: %w", err)
		}
		var p specs.Process
		if err := json.Unmarshal(data, &p); err != nil {
			return nil, fmt.Errorf("parse --process %s: %w", path, err)
		}
		return &p, nil
	}
	if cmd.NArg() < 2 {
		return nil, errors.New("exec: want a command, or --process")
	}
	var p specs.Process
	if c.Spec.Process != nil {
		data, _ := json.Marshal(c.Spec.Process)
		_ = json.Unmarshal(data, &p) // a copy
	}
	p.Args = cmd.Args().Tail()
	p.Terminal = cmd.Bool("tty")
	p.ConsoleSize = nil
	if cwd := cmd.String("cwd"); cwd != "" {
		p.Cwd = cwd
	}
	if p.Cwd == "" {
		p.Cwd = "/"
	}
	p.Env = append(p.Env, cmd.StringSlice("env")...)
	if u := cmd.String("user"); u != "" {
		uid, gid, _ := strings.Cut(u, ":")
		n, err := strconv.ParseUint(uid, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("--user %q: want UID[:GID]", u)
		}
		p.User.UID, p.User.GID = uint32(n), 0
		if gid != "" {
			g, err := strconv.ParseUint(gid, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("--user %q: want UID[:GID]", u)
			}
			p.User.GID = uint32(g)
		}
	}
	for _, g := range cmd.IntSlice("additional-gids") {
		p.User.AdditionalGids = append(p.User.AdditionalGids, uint32(g))
	}
	if caps := cmd.StringSlice("cap"); len(caps) > 0 {
		if p.Capabilities == nil {
			p.Capabilities = &specs.LinuxCapabilities{}
		}
		pc := p.Capabilities
		pc.Bounding = append(pc.Bounding, caps...)
		pc.Effective = append(pc.Effective, caps...)
		pc.Permitted = append(pc.Permitted, caps...)
	}
	if profile := cmd.String("apparmor"); profile != "" {
		p.ApparmorProfile = profile
	}
	if cmd.Bool("no-new-privs") {
		p.NoNewPrivileges = true
	}
	return &p, nil
}
