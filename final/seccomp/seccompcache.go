package seccomp

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/atomicfile"
)

// A compiled program is kept in a directory of the state root, named by
// the hash of what decides it, and loaded into every container that the
// key matches: a file there that another user could have written would
// be a filter of theirs on our containers, or none at all (exec's C code
// reads the file by name). So the directory must be ours, a directory
// (not a symlink), and writable by no one else, or no program is used
// from it nor written to it; a file in it must be ours, regular and
// writable by no one else, or it is compiled again and replaced.

// cachedProgram is the program stored in dir under key, or build's,
// stored there for the next call; and its file.
func cachedProgram(dir string, key []byte, build func() ([]byte, error)) (prog []byte, path string, err error) {
	if err := trustedDir(dir); err != nil {
		return nil, "", fmt.Errorf("seccomp cache: %w", err)
	}
	path = filepath.Join(dir, hex.EncodeToString(key)+".bpf")
	if prog, err := readTrusted(path); err == nil && len(prog) > 0 && len(prog)%8 == 0 {
		return prog, path, nil
	}
	if prog, err = build(); err != nil {
		return nil, "", err
	}
	if err := atomicfile.Write(path, prog, 0o600); err != nil {
		return nil, "", fmt.Errorf("seccomp cache: %w", err)
	}
	return prog, path, nil
}

// trustedDir makes dir (0700) when it is not there, and checks that it
// is a directory of ours that no one else may write.
func trustedDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	var st unix.Stat_t
	if err := unix.Lstat(dir, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return ownedAndPrivate(dir, st)
}

// readTrusted reads path, a regular file of ours that no one else may
// write, never through a symlink.
func readTrusted(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return nil, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, errors.New("not a regular file")
	}
	if err := ownedAndPrivate(path, st); err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

func ownedAndPrivate(path string, st unix.Stat_t) error {
	if int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("%s belongs to uid %d, not to us", path, st.Uid)
	}
	if st.Mode&0o022 != 0 {
		return fmt.Errorf("%s is writable by others (mode %o)", path, st.Mode&0o777)
	}
	return nil
}
