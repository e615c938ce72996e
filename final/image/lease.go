package image

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// A lease keeps blobs and layers from collect (rmi, a failed import) while
// this process is about to record them in images.json or to run them: a
// pull's layers are in place long before the image is recorded, and a
// run's image may lose its last name between being found and its
// container being recorded. The lease is a file in tmp/ named for this
// process, one blob or layer name a line, written under the store's lock:
// collect, under that lock too, keeps what the leases of live processes
// name, and cleanTmp removes those of dead ones (kill -9).
var leases = struct {
	sync.Mutex
	byRoot map[string]string // --root: the lease file
}{byRoot: map[string]string{}}

// hold adds names (digests or diff IDs) to this process's lease. The
// caller must not hold the store's lock.
func (s Store) hold(names ...string) error {
	lock, err := s.lock()
	if err != nil {
		return err
	}
	defer lock.Release()
	return s.holdLocked(names...)
}

// holdLocked is hold for a caller that holds the store's lock.
func (s Store) holdLocked(names ...string) error {
	leases.Lock()
	defer leases.Unlock()
	path, ok := leases.byRoot[s.Root]
	if !ok {
		dir, err := s.tmpDir()
		if err != nil {
			return err
		}
		f, err := os.CreateTemp(dir, fmt.Sprintf("%d-lease-*", os.Getpid()))
		if err != nil {
			return fmt.Errorf("take a lease on the layers: %w", err)
		}
		f.Close()
		path = f.Name()
		leases.byRoot[s.Root] = path
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("take a lease on the layers: %w", err)
	}
	var b strings.Builder
	for _, n := range names {
		b.WriteString(hexOf(n) + "\n")
	}
	_, err = f.WriteString(b.String())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("take a lease on the layers: %w", err)
	}
	return nil
}

// Hold finds the image arg names and keeps its blobs and layers from
// collect until ReleaseLeases: run holds the image it is about to mount.
func (s Store) Hold(arg string) (*Image, error) {
	lock, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	s.cleanTmp() // the leases of runs killed before they ended
	idx, err := s.load()
	if err != nil {
		return nil, err
	}
	img, err := idx.find(arg)
	if err != nil {
		return nil, err
	}
	return img, s.holdLocked(img.names()...)
}

// ReleaseLeases ends this process's leases: what they kept is the
// images' now (or garbage for the next collect).
func ReleaseLeases() {
	leases.Lock()
	defer leases.Unlock()
	for root, path := range leases.byRoot {
		os.Remove(path)
		delete(leases.byRoot, root)
	}
}

// abandon gives up what a failed pull, import, load or commit put in
// place (a full disk half-way): its lease ends, and collect removes what
// no image names. Images recorded before are not touched.
func (s Store) abandon() {
	ReleaseLeases()
	s.collect()
}

// leased lists what the leases of live processes hold. The caller holds
// the store's lock.
func (s Store) leased() map[string]bool {
	held := map[string]bool{}
	dir := filepath.Join(s.Root, "tmp")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		parts := strings.SplitN(e.Name(), "-", 3)
		if len(parts) < 3 || parts[1] != "lease" {
			continue // a download or an unpack
		}
		pid, err := strconv.Atoi(parts[0])
		if err != nil || processGone(pid) {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			held[sc.Text()] = true
		}
		f.Close()
	}
	return held
}

// sync flushes the filesystem of the store (syncfs(2)): every layer and
// blob written so far, files and directories, is on the disk after it.
func (s Store) sync() error {
	f, err := os.Open(s.Root)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := unix.Syncfs(int(f.Fd())); err != nil {
		return fmt.Errorf("sync %s: %w", s.Root, err)
	}
	return nil
}

// TidyTmp removes what processes that died (a kill -9 of a run, a pull, a
// commit) left in tmp/: their leases and temporary files. Every command
// calls it (with container.Reconcile), not only the image commands, so that a
// killed run's lease does not wait for the next pull. The store's lock is
// taken only when tmp/ holds something of a dead process, so that ps in a
// root no image command made creates no lock file.
func (s Store) TidyTmp() {
	if !s.deadInTmp() {
		return
	}
	lock, err := s.lock()
	if err != nil {
		return
	}
	defer lock.Release()
	s.cleanTmp()
}

// deadInTmp tells whether tmp/ holds an entry of a process that is gone.
func (s Store) deadInTmp() bool {
	entries, _ := os.ReadDir(filepath.Join(s.Root, "tmp"))
	for _, e := range entries {
		pid, _ := strconv.Atoi(strings.SplitN(strings.TrimPrefix(e.Name(), "."), "-", 2)[0])
		if pid <= 0 || processGone(pid) {
			return true
		}
	}
	return false
}
