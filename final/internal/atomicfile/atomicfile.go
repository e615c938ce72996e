// Package atomicfile writes files that readers see whole or not at all.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write writes data to path atomically, with mode perm.
func Write(path string, data []byte, perm os.FileMode) error {
	return WriteFunc(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteVolatile writes data to path atomically, with mode perm, but
// without Write's two fsyncs (some 5 ms on a disk): for what a crash makes
// moot anyway, as a running container's status. Readers still see the old
// file or the new one whole. After a crash, ext4 (auto_da_alloc) and btrfs
// order a replacing rename after its data; another filesystem may leave
// the file empty, which its reader must take as damaged, not as valid.
func WriteVolatile(path string, data []byte, perm os.FileMode) error {
	return writeFunc(path, perm, false, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc writes path with write, through a temporary file in the same
// directory: the file is synced, renamed into place (rename(2) is atomic
// within a filesystem), and the directory is synced so that the rename
// itself survives a crash. A failure leaves the old file as it was, and no
// temporary file.
func WriteFunc(path string, perm os.FileMode, write func(io.Writer) error) error {
	return writeFunc(path, perm, true, write)
}

func writeFunc(path string, perm os.FileMode, durable bool, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		return err
	}
	if durable {
		if err := tmp.Sync(); err != nil {
			return err
		}
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if !durable {
		return nil
	}
	return SyncDir(dir)
}

// SyncDir makes the entries of dir (a rename into it) survive a crash.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	return d.Sync()
}
