package initproc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// --init, docker's tini: PID 1 is a small init that starts the command as
// its child, passes it every signal it gets, and reaps every zombie the
// container makes (an orphan's parent is PID 1, and a shell or a server
// as PID 1 rarely waits for them). It exits with the command's status.
//
// The init is our own binary, run in the reaper mode below, not left
// running as mydocker's init: init executes it as the last step, exactly
// where it would execute the command, so it is a new process image,
// confined as the command is (user, capabilities, no_new_privs, seccomp),
// in the container's root and namespaces, with none of init's threads or
// descriptors. The file it runs is a read-only bind of our binary alone,
// made before the pivot (a detached mount): /proc/1/exe cannot be
// reopened for writing (CVE-2019-5736), and the reaper makes itself
// non-dumpable, so the container's processes cannot open it at all
// without CAP_SYS_PTRACE. Its argv is docker's, so ps inside shows
// "/sbin/docker-init -- COMMAND...".

// reaperArg0 and the "--" after it put a binary of ours that imports this
// package into the reaper mode (this package's init).
const reaperArg0 = "/sbin/docker-init"

func init() {
	if len(os.Args) > 2 && os.Args[0] == reaperArg0 && os.Args[1] == "--" {
		os.Exit(reap(os.Args[2:]))
	}
}

// openReaper opens our binary, for --init, as a read-only bind of its
// own: before the pivot, while its mount is in our mount namespace. The
// reaper runs inside the container's root, where no loader of ours is:
// the binary must be static (mydocker-init or mydocker-monitor beside
// mydocker, both built without cgo).
func openReaper() (*os.File, error) {
	if err := checkStatic("/proc/self/exe"); err != nil {
		return nil, err
	}
	fd, err := unix.OpenTree(unix.AT_FDCWD, "/proc/self/exe", unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("--init: open_tree our binary: %w", err)
	}
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV}
	if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH, &attr); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("--init: make our binary's mount read-only: %w", err)
	}
	return os.NewFile(uintptr(fd), "docker-init"), nil
}

// checkStatic refuses a binary that needs a program interpreter (ld.so):
// inside the container's root it would be the image's. It reads the ELF
// program headers itself (64-bit, little-endian: the binaries we build)
// rather than with debug/elf, which would add half a MB to init.
func checkStatic(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("--init: read our binary: %w", err)
	}
	defer f.Close()
	hasInterp, err := elfHasInterp(f)
	if err != nil {
		return fmt.Errorf("--init: read our binary: %w", err)
	}
	if hasInterp {
		return errors.New("--init needs mydocker-init or mydocker-monitor, static binaries, beside mydocker (root's, writable by root alone)")
	}
	return nil
}

// elfHasInterp says whether the ELF file f has a PT_INTERP header.
func elfHasInterp(f io.ReaderAt) (bool, error) {
	hdr := make([]byte, 64)
	if _, err := f.ReadAt(hdr, 0); err != nil {
		return false, err
	}
	if string(hdr[:4]) != "\x7fELF" || hdr[4] != 2 || hdr[5] != 1 {
		return false, errors.New("not a 64-bit little-endian ELF file")
	}
	le := binary.LittleEndian
	off, size, n := int64(le.Uint64(hdr[0x20:])), int64(le.Uint16(hdr[0x36:])), int(le.Uint16(hdr[0x38:]))
	typ := make([]byte, 4)
	for i := range n {
		if _, err := f.ReadAt(typ, off+int64(i)*size); err != nil {
			return false, err
		}
		if le.Uint32(typ) == ptInterp {
			return true, nil
		}
	}
	return false, nil
}

// ptInterp is the ELF program header type of the interpreter's path.
const ptInterp = 3

// execReaper replaces init with the reaper, which runs args. The status
// pipe goes with it (fd 4): the reaper closes it once it handles signals,
// and only then does run -d return. Until then a signal would find the
// reaper with the Go runtime's default handling, which as PID 1 drops a
// SIGTERM (or exits 2 on it): a stop right after run -d was lost.
func execReaper(reaper *os.File, args, env []string) error {
	argv := append([]string{reaperArg0, "--"}, args...)
	path := fmt.Sprintf("/proc/self/fd/%d", reaper.Fd())
	if _, err := unix.FcntlInt(statusFd, unix.F_SETFD, 0); err != nil {
		return &ExecError{Err: fmt.Errorf("--init: hand the status pipe to the init: %w", err), Code: 126}
	}
	if err := unix.Exec(path, argv, env); err != nil {
		return &ExecError{Err: fmt.Errorf("--init: exec the init: %w", err), Code: 126}
	}
	return nil
}

// reap is the reaper's life: start args, pass signals on, reap zombies,
// and return the command's status (128+N when a signal N ended it).
func reap(args []string) int {
	// /proc/1/exe, fd and mem stay ours alone; ps shows docker's name,
	// not the descriptor's number we were executed through.
	_ = unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
	name, _ := unix.BytePtrFromString("docker-init")
	_ = unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(name)), 0, 0, 0)
	// With --pid host or container: it is not PID 1, whom orphans go to:
	// as a subreaper it gets those of the command's tree all the same.
	if os.Getpid() != 1 {
		_ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
	}
	sigc := make(chan os.Signal, 64)
	signal.Notify(sigc)
	// Every signal is ours to pass on now: the status pipe's end tells
	// the monitor that the container runs (execReaper), and the command
	// does not get it.
	unix.Close(statusFd)
	path, err := lookPath(args[0], os.Environ())
	var pid int
	if err == nil {
		pid, err = syscall.ForkExec(path, args, &syscall.ProcAttr{
			Env: os.Environ(), Files: []uintptr{0, 1, 2}, Sys: childAttr(),
		})
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "docker-init: exec %s: %v\n", args[0], err)
		return (&ExecError{Err: err}).ExitCode()
	}
	for sig := range sigc {
		s, ok := sig.(syscall.Signal)
		switch {
		case !ok || s == syscall.SIGURG: // the Go runtime's own
		case s == syscall.SIGCHLD:
			if status, done := reapAll(pid); done {
				return status
			}
		default:
			_ = syscall.Kill(pid, s)
		}
	}
	return 0
}

// childAttr puts the command, on a terminal, in a process group of its
// own in the foreground, as tini does: the terminal's ^C then reaches it
// once, from the kernel, not again through us.
func childAttr() *syscall.SysProcAttr {
	if _, err := unix.IoctlGetTermios(0, unix.TCGETS); err != nil {
		return &syscall.SysProcAttr{}
	}
	return &syscall.SysProcAttr{Setpgid: true, Foreground: true, Ctty: 0}
}

// reapAll waits for every child that has exited; done once the command
// (pid) has, with its status.
func reapAll(pid int) (status int, done bool) {
	for {
		var ws syscall.WaitStatus
		got, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil || got <= 0 {
			return status, done
		}
		if got == pid {
			status, done = ws.ExitStatus(), true
			if ws.Signaled() {
				status = 128 + int(ws.Signal())
			}
		}
	}
}
