package image

import (
	"archive/tar"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Export writes the tree at dir to w as a plain tar (book 4.4), the format
// Unpack reads: directories, files, symlinks (as symlinks), hard links (as
// links to the first name), device nodes, with modes, owners and times.
// The book ran "tar -czf" and so wrote gzip into a file named .tar.
//
// skip names directories whose contents are left out, such as the
// container's volumes: they are the host's data, not the container's, so
// only their (empty) mount points go into the image, as with docker export.
func Export(dir string, w io.Writer, skip func(path string) bool) error {
	tw := tar.NewWriter(w)
	links := map[[2]uint64]string{} // (device, inode) -> first name
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == dir {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		if err := writeEntry(tw, path, rel, links); err != nil {
			return fmt.Errorf("export %s: %w", rel, err)
		}
		if d.IsDir() && skip != nil && skip(path) {
			return filepath.SkipDir
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// writeEntry writes one file's header (and content) to tw.
func writeEntry(tw *tar.Writer, path, rel string, links map[[2]uint64]string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if fi.Mode()&os.ModeSocket != 0 {
		return nil // a socket cannot be archived, nor would it work anew
	}
	target := ""
	if fi.Mode()&os.ModeSymlink != 0 {
		if target, err = os.Readlink(path); err != nil {
			return err
		}
	}
	hdr, err := tar.FileInfoHeader(fi, target)
	if err != nil {
		return err
	}
	hdr.Name = filepath.ToSlash(rel)
	if fi.IsDir() {
		hdr.Name += "/"
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if ok {
		hdr.Uid, hdr.Gid = int(st.Uid), int(st.Gid)
		hdr.Uname, hdr.Gname = "", ""
		// A second name of a file already written is a hard link to it.
		if fi.Mode().IsRegular() && st.Nlink > 1 {
			key := [2]uint64{uint64(st.Dev), st.Ino}
			if first, seen := links[key]; seen {
				hdr.Typeflag, hdr.Linkname, hdr.Size = tar.TypeLink, first, 0
			} else {
				links[key] = hdr.Name
			}
		}
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if hdr.Typeflag != tar.TypeReg {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.CopyN(tw, f, hdr.Size); err != nil {
		return fmt.Errorf("copy the content: %w", err)
	}
	return nil
}

// WriteAtomically writes a file with write, through a temporary file in
// the same directory that is renamed into place only once complete, so
// that a failure never leaves a half-written image.
func WriteAtomically(path string, write func(io.Writer) error) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
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
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
