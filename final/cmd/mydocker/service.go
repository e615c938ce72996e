package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v3"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/api"
	"github.com/mydocker/mydocker/final/build"
	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/monitor"
	"github.com/mydocker/mydocker/final/state"
)

// systemServiceCommand serves docker's Engine API on a unix socket, as
// podman system service does (issue 26): DOCKER_HOST=unix://PATH docker
// ps. The server is a client of the same --root as the CLI; the
// containers it starts have monitors of their own and outlive it.
func systemServiceCommand() *cli.Command {
	return &cli.Command{
		Name:   "service",
		Usage:  "serve docker's Engine API on a unix socket (DOCKER_HOST=unix://PATH docker ...)",
		Before: useRoot,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "H", Aliases: []string{"host"}, Value: api.DefaultHost, Usage: "where to listen: unix:///PATH (made 0600), fd:// (the socket systemd passed: mydocker.socket), or tcp://HOST:PORT (TLS with client certificates only)"},
			&cli.StringFlag{Name: "group", Usage: "a group (name or number) that may use the unix socket too: it is made 0660, that group's"},
			&cli.IntFlag{Name: "t", Aliases: []string{"time"}, Usage: "end after this many seconds without a request (0: never)"},
			&cli.StringFlag{Name: "tlscacert", Usage: "with tcp://: the CA that clients' certificates must be signed by"},
			&cli.StringFlag{Name: "tlscert", Usage: "with tcp://: the server's certificate"},
			&cli.StringFlag{Name: "tlskey", Usage: "with tcp://: the server's key"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() > 0 {
				return errors.New("system service: takes no arguments (the socket is --host unix:///PATH)")
			}
			if cmd.Int("t") < 0 {
				return fmt.Errorf("system service: --time %d: want 0 (never) or more seconds", cmd.Int("t"))
			}
			l, err := api.Listen(cmd.String("H"), api.ListenOptions{Group: cmd.String("group"),
				TLSCert: cmd.String("tlscert"), TLSKey: cmd.String("tlskey"), TLSCACert: cmd.String("tlscacert")})
			if err != nil {
				return err
			}
			reaper := newReaper()
			srv := &api.Server{
				Root: cmd.Root().String("root"), Version: version,
				Idle: time.Duration(cmd.Int("t")) * time.Second,
				Hooks: api.Hooks{
					Create: func(ctx context.Context, args []string) (*state.Container, error) {
						return createFromAPI(ctx, cmd, args)
					},
					Start: func(st *state.Container) error {
						_, err := startMonitor(cmd, monitor.Options{Start: st.ID, Spawned: reaper.add}, st.Security)
						return err
					},
					RemoveImage: func(name string, force bool) ([]string, error) {
						defer pruneStaleCache(cmd)
						return removeImage(cmd, name, force)
					},
					PruneImages: func(all bool) ([]string, int64, error) {
						p, err := pruneImages(cmd, all)
						return p.lines, p.bytes, err
					},
					Build: func(ctx context.Context, opts build.Options, in io.Reader, dockerfile string, pulls image.Progress) (*image.Image, error) {
						return buildFrom(ctx, cmd, opts, buildSource{Arg: "-", In: in, Dockerfile: dockerfile,
							Spawned: reaper.add, Pulls: func() image.Progress { return pulls }})
					},
					StartAttached: func(st *state.Container) (net.Conn, error) {
						started, err := startMonitor(cmd, monitor.Options{Start: st.ID, Attach: true, Spawned: reaper.add}, st.Security)
						if err != nil {
							return nil, err
						}
						return started.Conn, nil
					},
				},
			}
			ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			go reaper.run(ctx)
			logrus.Infof("API listening on %s", l.Addr())
			return srv.Serve(ctx, l)
		},
	}
}

// createFromAPI runs create's own flag parsing and checks over args (the
// API request as create's arguments, api.createArgs) and makes the
// container, as "mydocker create" would, without printing its ID.
func createFromAPI(ctx context.Context, service *cli.Command, args []string) (*state.Container, error) {
	var made *state.Container
	create := createCommand()
	create.Action = func(ctx context.Context, cmd *cli.Command) error {
		opts, err := prepareRun(ctx, cmd)
		if err == nil {
			made, err = container.Create(opts)
		}
		return err
	}
	app := &cli.Command{
		Name: "mydocker", Flags: rootFlags(), Commands: []*cli.Command{create},
		Writer: io.Discard, ErrWriter: io.Discard,
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
	}
	quietUsageErrors(app)
	argv := []string{"mydocker", "--root", service.Root().String("root")}
	if service.Root().Bool("debug") {
		argv = append(argv, "--debug")
	}
	argv = append(append(argv, "create"), args...)
	if err := app.Run(ctx, argv); err != nil {
		return nil, err
	}
	return made, nil
}

// reaper waits for the monitors that the server started: they are its
// children until it exits, and one that ends would stay a zombie.
type reaper struct {
	mu   sync.Mutex
	pids map[int]bool
}

func newReaper() *reaper { return &reaper{pids: map[int]bool{}} }

func (r *reaper) add(pid int) {
	r.mu.Lock()
	r.pids[pid] = true
	r.mu.Unlock()
}

// run collects the monitors that have exited, every second, until ctx
// ends. Each pid is waited for by itself: other children (a helper that
// exec.Cmd runs and waits for) are not ours to take.
func (r *reaper) run(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		r.mu.Lock()
		for pid := range r.pids {
			var ws unix.WaitStatus
			if got, err := unix.Wait4(pid, &ws, unix.WNOHANG, nil); got == pid || err != nil {
				delete(r.pids, pid)
			}
		}
		r.mu.Unlock()
	}
}
