package network

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/mydocker/mydocker/final/internal/atomicfile"
)

// Names is a user network's name table: each name of each container on
// it (its name, its host name, its short ID, each also as NAME.NETWORK)
// and its address. The containers' DNS servers answer from it; it is
// written whenever a container joins or leaves, under the networks'
// lock, so that a name answers from the moment its container starts.
type Names map[string][]string

func (s Store) namesPath(network string) string {
	return filepath.Join(s.Root, "dns", network+".json")
}

// WriteNames replaces the name table of network. It is made again from
// the containers' states at each change: never fsynced.
func (s Store) WriteNames(network string, names Names) error {
	data, err := json.Marshal(names)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.namesPath(network)), 0o700); err != nil {
		return err
	}
	return atomicfile.WriteVolatile(s.namesPath(network), data, 0o600)
}

// removeNames forgets network's table, with the network.
func (s Store) removeNames(network string) error {
	err := os.Remove(s.namesPath(network))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// NameReader reads a network's name table as it changes: the file is
// read again only when it is another (a rename replaces it: another
// inode, or the same number reused with another change time), so each
// question costs one stat.
type NameReader struct {
	path string

	mu    sync.Mutex
	seen  fileID
	names map[string][]netip.Addr
	addrs map[netip.Addr][]string
}

// NameReader is the reader of network's table.
func (s Store) NameReader(network string) *NameReader {
	return &NameReader{path: s.namesPath(network)}
}

// Lookup is the addresses of name (lower case), or nil.
func (r *NameReader) Lookup(name string) []netip.Addr {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refresh()
	return r.names[name]
}

// Reverse is the names of addr.
func (r *NameReader) Reverse(addr netip.Addr) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refresh()
	return r.addrs[addr]
}

func (r *NameReader) refresh() {
	info, err := os.Stat(r.path)
	if err != nil {
		r.seen, r.names, r.addrs = fileID{}, nil, nil
		return
	}
	sys := info.Sys().(*syscall.Stat_t)
	id := fileID{ino: sys.Ino, ctime: sys.Ctim, size: sys.Size}
	if id == r.seen && r.names != nil {
		return
	}
	data, err := os.ReadFile(r.path)
	var table Names
	if err == nil {
		err = json.Unmarshal(data, &table)
	}
	if err != nil {
		return // keep what was read last: the next question tries again
	}
	r.seen = id
	r.names = map[string][]netip.Addr{}
	r.addrs = map[netip.Addr][]string{}
	for name, ips := range table {
		name = strings.ToLower(name)
		for _, ip := range ips {
			a, err := netip.ParseAddr(ip)
			if err != nil {
				continue
			}
			r.names[name] = append(r.names[name], a)
			r.addrs[a] = append(r.addrs[a], name)
		}
	}
}

// fileID tells one version of the table's file from another.
type fileID struct {
	ino   uint64
	ctime syscall.Timespec
	size  int64
}
