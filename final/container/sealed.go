package container

import (
	"fmt"
	"io"
	"os"
	"slices"

	"golang.org/x/sys/unix"
)

// mydocker's own binary must stay out of a container's reach: a process
// inside that could open it through /proc/PID/exe of a process of ours in
// its PID namespace, and write it once that process had exited, would own
// the host the next time mydocker runs (CVE-2019-5736, the runc escape).
// Two guards:
//
//   - the exec'd command's process runs our binary only between its fork
//     and its execvp, and exec's C constructor makes it non-dumpable first,
//     so /proc/PID/exe is refused to whoever lacks CAP_SYS_PTRACE, which a
//     container does not have by default (init is never seen by a process
//     of the container: it execs the command before there is one);
//   - a container that has CAP_SYS_PTRACE (--cap-add, --privileged) gets
//     its exec'd processes from a sealed copy of the binary: a memfd that
//     cannot be written, grown or shrunk (F_SEAL_*), copied for each exec
//     (some 9 ms for 16 MB, which is why it is not done for all).

// sealedCopy is a sealed memfd copy of the running binary.
func sealedCopy() (*os.File, error) {
	fd, err := unix.MemfdCreate("mydocker", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("memfd: %w", err)
	}
	sealed := os.NewFile(uintptr(fd), "mydocker-sealed")
	self, err := os.Open("/proc/self/exe")
	if err != nil {
		sealed.Close()
		return nil, err
	}
	defer self.Close()
	if _, err := io.Copy(sealed, self); err != nil {
		sealed.Close()
		return nil, fmt.Errorf("copy the binary: %w", err)
	}
	seals := unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	if _, err := unix.FcntlInt(sealed.Fd(), unix.F_ADD_SEALS, seals); err != nil {
		sealed.Close()
		return nil, fmt.Errorf("seal the copy: %w", err)
	}
	return sealed, nil
}

// needsSealedBinary tells whether the container's processes could read
// non-dumpable processes' /proc/PID/exe.
func needsSealedBinary(caps []string) bool {
	return slices.Contains(caps, "CAP_SYS_PTRACE")
}
