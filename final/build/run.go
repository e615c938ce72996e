package build

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/state"
)

// defaultPath is the PATH a RUN gets when the image sets none, as
// docker's.
const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

func runtimeArch() string { return runtime.GOARCH }

// runArgv is what a RUN runs: the shell form through the SHELL, a
// heredoc's script as the shell's (RUN <<EOF), the exec form as it is.
func runArgv(c *v1.Config, cmd *instructions.RunCommand) []string {
	line := cmd.ShellDependantCmdLine
	if len(line.Files) == 0 || !line.PrependShell {
		return argv(c, line)
	}
	script := strings.Join(line.CmdLine, " ")
	if f := line.Files[0]; len(line.Files) == 1 && (script == "<<"+f.Name || script == "<<-"+f.Name) {
		return append(append([]string{}, shellOf(c)...), f.Data)
	}
	// "RUN cat <<EOF ...": the shell reads the heredocs itself.
	for _, f := range line.Files {
		script += "\n" + f.Data + f.Name
	}
	return append(append([]string{}, shellOf(c)...), script)
}

// run builds a RUN: a container of the stage's image, whose changes to
// the filesystem become the step's layer.
func (s *stage) run(v *vertex, c *instructions.RunCommand) error {
	argv := runArgv(&s.cfg.Config, c)
	createdBy := runCreatedBy(argv, s.args.historyArgs(s.cfg.Config.Env))
	network, err := s.runNetwork(c)
	if err != nil {
		return err
	}
	mounts, err := s.runMounts(c)
	if err != nil {
		return err
	}
	defer mounts.release()
	if network != s.b.opts.Network {
		mounts.key += "network=" + network + "\x00"
	}
	// The history is the classic builder's; the cache key also has the
	// mounts (a bind's files: a changed go.mod runs the step again).
	return s.commitKeyed(v, runKey(s.parentID(), createdBy, mounts.key), func() (*image.Image, error) {
		return s.runContainer(v, argv, createdBy, network, mounts)
	})
}

// runNetwork is the network a RUN joins: the build's --network, or the
// step's RUN --network. A step may leave the network (none) or keep the
// build's; host is only for a build that is on it already (BuildKit
// asks for --allow network.host, which this builder does not have).
func (s *stage) runNetwork(c *instructions.RunCommand) (string, error) {
	build := s.b.opts.Network
	switch instructions.GetNetwork(c) {
	case instructions.NetworkNone:
		return "none", nil
	case instructions.NetworkHost:
		if build != "host" {
			return "", fmt.Errorf("RUN --network=host: the build must be on the host's network too (build --network host)")
		}
		return "host", nil
	}
	return build, nil
}

// runKey is a RUN's cache key: createdBy's, and its mounts' when it has
// any (so that a RUN without one keeps the key it always had).
func runKey(parentID, createdBy, mountsKey string) string {
	if mountsKey == "" {
		return cacheKey(parentID, createdBy)
	}
	return cacheKey(parentID, createdBy+"\x00"+mountsKey)
}

// runContainer runs argv in a container with the build's network, the
// image's Env over the build args, its WorkingDir and User, and docker's
// secure defaults; it is removed after, whatever happened.
func (s *stage) runContainer(v *vertex, argv []string, createdBy, network string, mounts *runMounts) (*image.Image, error) {
	b := s.b
	env := mergeEnv(s.args.env(), s.cfg.Config.Env)
	if !hasKey(env, "PATH") {
		env = append([]string{defaultPath}, env...)
	}
	opts := container.RunOptions{
		Name: "mydocker-build-" + state.NewID()[:12], Root: b.opts.Root,
		Log: container.DefaultLogOptions,
		// Labelled with the build's scratch directory: Tidy removes the
		// container of a build that was killed.
		Config: state.Config{Cmd: argv, Env: env, WorkingDir: s.cfg.Config.WorkingDir, User: s.cfg.Config.User,
			Labels: map[string]string{buildLabel: filepath.Base(b.tmp)}},
		Command: argv, Env: env,
		Volumes: mounts.volumes, Tmpfs: mounts.tmpfs,
	}
	if s.img == nil || len(s.img.Layers) == 0 {
		// No file to run: say so before a container is made.
		return nil, fmt.Errorf("process \"%s\" did not complete successfully: the image has no files (FROM scratch, nothing copied yet)", strings.Join(argv, " "))
	}
	if err := mounts.materialize(); err != nil {
		return nil, err
	}
	opts.Image, opts.ImageID, opts.Layers = s.img.ID, s.img.ID, b.images.Lowers(s.img)
	switch network {
	case "", "bridge", "default":
		opts.Network = "bridge"
	case "host":
		opts.HostNetwork = true
	case "none":
	default:
		return nil, fmt.Errorf("network mode %q not supported by buildkit: want bridge, host or none", b.opts.Network)
	}
	out := v.output()
	id, status, err := b.opts.Run(b.ctx, opts, out)
	out.Flush()
	store := state.Store{Root: b.opts.Root}
	var st *state.Container
	var lerr error
	if id != "" {
		st, lerr = store.Load(id)
	} else {
		// It failed to start: it may be there all the same, by its name.
		st, lerr = store.Find(opts.Name)
	}
	if lerr == nil {
		defer removeContainer(store, st)
	}
	if err != nil {
		return nil, fmt.Errorf("process \"%s\" did not complete successfully: %w", strings.Join(argv, " "), err)
	}
	if status != 0 {
		return nil, &StepFailed{Argv: argv, ExitCode: status}
	}
	if lerr != nil {
		return nil, fmt.Errorf("RUN: its container: %w", lerr)
	}
	return s.commitContainer(st, createdBy, mounts.targets)
}

// commitContainer makes the step's image of the container's changes, as
// commit takes them: its writable layer, whiteouts included.
func (s *stage) commitContainer(st *state.Container, createdBy string, stubs []string) (*image.Image, error) {
	upper, err := st.Workspace().OpenUpper()
	if err != nil {
		return nil, err
	}
	defer upper.Close()
	if err := s.dropEtcMountPoints(upper); err != nil {
		return nil, err
	}
	if err := s.removeStubs(upper, stubs); err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(image.ExportDiff(upper, pw)) }()
	img, err := s.b.images.Step(s.img, pr, withHistory(cloneConfig(s.cfg), createdBy, false))
	pr.CloseWithError(fmt.Errorf("build: the step's image is made"))
	return img, err
}

// removeContainer removes a step's container; a failure is only logged:
// the build's result does not depend on it.
func removeContainer(store state.Store, st *state.Container) {
	if err := container.Remove(store, st, true, true); err != nil {
		logrus.WithError(err).WithField("container", st.Name).Warn("remove a build step's container")
	}
}

// etcMountPoints are the files init binds the container's own hostname,
// hosts and resolv.conf on; where the image has none, init made an empty
// one in the writable layer, which is no change of the RUN's.
var etcMountPoints = []string{"hostname", "hosts", "resolv.conf"}

// dropEtcMountPoints removes those mount points from the exited
// container's writable layer, as diff leaves them out. The layer is the
// RUN's to shape: its etc is opened without following a symlink.
func (s *stage) dropEtcMountPoints(upper *os.File) error {
	etc, err := unix.Openat2(int(upper.Fd()), "etc", &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC | unix.O_NOFOLLOW,
		Resolve: unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_BENEATH,
	})
	if err != nil {
		return nil // no etc of its own: nothing was made there
	}
	defer unix.Close(etc)
	root, err := openRootfs(s.b.images, s.img, s.b.tmp)
	if err != nil {
		return err
	}
	defer root.Close()
	for _, name := range etcMountPoints {
		var st unix.Stat_t
		if unix.Fstatat(etc, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size != 0 {
			continue
		}
		if _, ok := root.exists("/etc/" + name); ok {
			continue
		}
		if err := unix.Unlinkat(etc, name, 0); err != nil {
			return fmt.Errorf("RUN: leave /etc/%s out of the layer: %w", name, err)
		}
	}
	return nil
}

// StepFailed is a RUN whose command exited non-zero: the API's build
// stream gives its code, which docker build exits with.
type StepFailed struct {
	Argv     []string
	ExitCode int
}

func (e *StepFailed) Error() string {
	return fmt.Sprintf("process \"%s\" did not complete successfully: exit code: %d", strings.Join(e.Argv, " "), e.ExitCode)
}
