package main

import (
	"context"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/oci"
)

// checkpoint and restore drive CRIU (oci/criu.go) with runc's flags, the
// ones podman, conmon and containerd's shim send. Their failures exit 1,
// as runc's.

func criuFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "image-path", Usage: "the checkpoint's directory (default: ./checkpoint)"},
		&cli.StringFlag{Name: "work-path", Usage: "where criu writes its log (default: the image path)"},
		&cli.BoolFlag{Name: "tcp-established", Usage: "checkpoint/restore established TCP connections"},
		&cli.BoolFlag{Name: "ext-unix-sk", Usage: "allow external unix sockets"},
		&cli.BoolFlag{Name: "shell-job", Usage: "allow a shell job (a terminal from outside)"},
		&cli.BoolFlag{Name: "file-locks", Usage: "handle file locks"},
		&cli.BoolFlag{Name: "auto-dedup", Usage: "free the image's memory pages already restored"},
		&cli.StringFlag{Name: "manage-cgroups-mode", Usage: "criu's cgroups mode: soft, full, strict or ignore"},
		&cli.StringSliceFlag{Name: "empty-ns", Usage: "a namespace restored empty (network, which always is)"},
		&cli.BoolFlag{Name: "lazy-pages", Usage: "leave the memory to be taken on demand (userfaultfd, criu lazy-pages)"},
	}
}

func criuOptions(cmd *cli.Command) (oci.CriuOptions, error) {
	images := cmd.String("image-path")
	if images == "" {
		wd, err := os.Getwd()
		if err != nil {
			return oci.CriuOptions{}, err
		}
		images = filepath.Join(wd, "checkpoint")
	}
	return oci.CriuOptions{
		ImagePath: images, WorkPath: cmd.String("work-path"),
		TCPEstablished: cmd.Bool("tcp-established"), TCPSkipInFlight: cmd.Bool("tcp-skip-in-flight"),
		ExtUnixSk: cmd.Bool("ext-unix-sk"), ShellJob: cmd.Bool("shell-job"), FileLocks: cmd.Bool("file-locks"),
		LinkRemap: cmd.Bool("link-remap"), AutoDedup: cmd.Bool("auto-dedup"),
		ManageCgroupsMode: cmd.String("manage-cgroups-mode"), EmptyNs: cmd.StringSlice("empty-ns"),
	}, nil
}

func checkpointCommand() *cli.Command {
	flags := append(criuFlags(),
		&cli.BoolFlag{Name: "leave-running", Usage: "leave the container running after the checkpoint"},
		&cli.BoolFlag{Name: "tcp-skip-in-flight", Usage: "skip TCP connections still being set up"},
		&cli.BoolFlag{Name: "link-remap", Usage: "allow deleted files that are still open (hard links)"},
		&cli.BoolFlag{Name: "pre-dump", Usage: "dump the memory only, for a later checkpoint's --parent-path"},
		&cli.StringFlag{Name: "parent-path", Usage: "a pre-dump's directory, relative to the image path"},
		&cli.StringFlag{Name: "page-server", Usage: "send the pages to a criu page server, ADDRESS:PORT"},
		&cli.IntFlag{Name: "status-fd", Value: -1, Usage: "write a NUL byte to this fd once the lazy pages are served"},
	)
	return &cli.Command{
		Name:         "checkpoint",
		Usage:        "checkpoint a running container with CRIU (it stops, unless --leave-running)",
		ArgsUsage:    "ID",
		OnUsageError: usageExitsOne,
		Flags:        flags,
		Action: exitOne(func(_ context.Context, cmd *cli.Command) error {
			c, err := load(cmd)
			if err != nil {
				return err
			}
			criu, err := criuOptions(cmd)
			if err != nil {
				return err
			}
			return c.Checkpoint(oci.CheckpointOptions{
				CriuOptions: criu, LeaveRunning: cmd.Bool("leave-running"),
				PreDump: cmd.Bool("pre-dump"), ParentPath: cmd.String("parent-path"),
				LazyPages: cmd.Bool("lazy-pages"), PageServer: cmd.String("page-server"), StatusFd: int(cmd.Int("status-fd")),
			})
		}),
	}
}

// restoreCommand makes a container from a bundle and a checkpoint.
// Without --detach it is run's twin: the restored init is our child, we
// pass signals on, wait for it, delete it and exit with its status.
func restoreCommand() *cli.Command {
	flags := append(criuFlags(),
		&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Value: ".", Usage: "the bundle's directory (config.json and the rootfs)"},
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "return once the container runs"},
		&cli.StringFlag{Name: "pid-file", Usage: "write init's pid to this file"},
		&cli.StringFlag{Name: "console-socket", Usage: "a unix socket to send the terminal's master to"},
		&cli.BoolFlag{Name: "no-pivot", Usage: "accepted, as runc's (criu sets up the root)"},
		&cli.BoolFlag{Name: "no-subreaper", Usage: "accepted, as runc's (restore never makes itself a subreaper)"},
		&cli.BoolFlag{Name: "no-new-keyring", Usage: "accepted (podman's conmon sends it): criu keeps the keyring"},
		&cli.StringFlag{Name: "lsm-profile", Usage: "the restored process's LSM profile, TYPE:NAME"},
		&cli.StringFlag{Name: "lsm-mount-context", Usage: "the SELinux context of the restored mounts"},
	)
	return &cli.Command{
		Name:         "restore",
		Usage:        "restore a container from a CRIU checkpoint",
		ArgsUsage:    "ID",
		OnUsageError: usageExitsOne,
		Flags:        flags,
		Action: func(_ context.Context, cmd *cli.Command) error {
			status, err := restore(cmd)
			if err != nil {
				return failsWithOne{err}
			}
			if status != 0 {
				return exitStatus(status)
			}
			return nil
		},
	}
}

func restore(cmd *cli.Command) (int, error) {
	id, err := oneID(cmd)
	if err != nil {
		return 0, err
	}
	criu, err := criuOptions(cmd)
	if err != nil {
		return 0, err
	}
	o := oci.RestoreOptions{
		CreateOptions: oci.CreateOptions{
			Root: cmd.Root().String("root"), ID: id, Bundle: cmd.String("bundle"),
			PidFile: cmd.String("pid-file"), ConsoleSocket: cmd.String("console-socket"),
			NoPivot: cmd.Bool("no-pivot"), Foreground: !cmd.Bool("detach"),
		},
		CriuOptions: criu,
		LsmProfile:  cmd.String("lsm-profile"), LsmMountContext: cmd.String("lsm-mount-context"),
		LazyPages: cmd.Bool("lazy-pages"),
	}
	signals := make(chan os.Signal, 16)
	if o.Foreground {
		signal.Notify(signals)
		signal.Ignore(syscall.SIGURG, syscall.SIGPIPE)
	}
	console, err := runConsole(&o.CreateOptions)
	if err != nil {
		return 0, err
	}
	attached := false
	if console != nil {
		defer func() { console.Close(attached) }()
	}
	c, err := oci.Restore(o)
	if err != nil {
		return 0, err
	}
	if console != nil {
		if err := console.Attach(); err != nil {
			_ = c.Delete(true)
			return 0, err
		}
		attached = true
	}
	if !o.Foreground {
		return 0, nil
	}
	status := oci.WaitForeground(c, signals)
	_ = c.Delete(true)
	return status, nil
}
