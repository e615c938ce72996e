package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mydocker/mydocker/final/cgroups/fs"
	"github.com/mydocker/mydocker/final/cgroups/fscommon"
)

// BlockIO is what the processes of the cgroup mydocker/<id> read from and
// wrote to block devices, in bytes, as docker stats's BLOCK I/O: v2's
// io.stat, v1's blkio hierarchy (also on a hybrid host, where the io
// controller is v1's). Where the cgroup keeps no such accounting (no io
// controller enabled for it, no blkio hierarchy), both are 0, as docker
// shows them.
func BlockIO(id string) (read, write uint64, err error) {
	if _, err := dirsOf(id); err != nil { // the ID names one container
		return 0, 0, err
	}
	unified, err := IsCgroup2UnifiedMode()
	if err != nil {
		return 0, 0, err
	}
	if unified {
		read, write = ioStatBytes(readOr(filepath.Join(Root, Parent, id), "io.stat"))
		return read, write, nil
	}
	mounts, err := fs.FindMounts()
	if err != nil {
		return 0, 0, err
	}
	mount, ok := mounts["blkio"]
	if !ok {
		return 0, 0, nil
	}
	dir := filepath.Join(mount, Parent, id)
	// As runc's stats: the I/O scheduler's counts (CFQ, BFQ) when it keeps
	// them, else the throttling layer's, which sees every bio.
	for _, file := range []string{"blkio.io_service_bytes_recursive", "blkio.throttle.io_service_bytes_recursive",
		"blkio.throttle.io_service_bytes"} {
		if read, write, found := blkioBytes(readOr(dir, file)); found {
			return read, write, nil
		}
	}
	return 0, 0, nil
}

// ioStatBytes adds up rbytes and wbytes of v2's io.stat, one line per
// device: "8:0 rbytes=1459200 wbytes=314773504 rios=192 wios=353 ...".
func ioStatBytes(text string) (read, write uint64) {
	for _, line := range strings.Split(text, "\n") {
		for _, kv := range strings.Fields(line) {
			k, v, _ := strings.Cut(kv, "=")
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				continue
			}
			switch k {
			case "rbytes":
				read += n
			case "wbytes":
				write += n
			}
		}
	}
	return read, write
}

// blkioBytes adds up the Read and Write lines of a v1 io_service_bytes
// file ("8:0 Read 1459200"), over its devices; found is false when it has
// none (an empty file, or only "Total 0").
func blkioBytes(text string) (read, write uint64, found bool) {
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		n, err := strconv.ParseUint(f[2], 10, 64)
		if err != nil {
			continue
		}
		found = true
		switch f[1] {
		case "Read":
			read += n
		case "Write":
			write += n
		}
	}
	return read, write, found
}

// SetBlkioWeight writes the cgroup's relative block I/O weight, 10 to
// 1000 (an OCI runtime's update --blkio-weight), where the host has a
// file for it: v1's blkio.weight (CFQ) or blkio.bfq.weight (BFQ), v2's
// io.bfq.weight or io.weight (1 to 10000, converted as runc does). Most
// hosts' I/O schedulers (none, mq-deadline) keep no weight: an error then.
func SetBlkioWeight(paths map[string]string, weight uint16) error {
	if weight < 10 || weight > 1000 {
		return fmt.Errorf("blkio weight %d: want 10 to 1000", weight)
	}
	v := strconv.FormatUint(uint64(weight), 10)
	try := []struct{ dir, file, value string }{
		{paths["blkio"], "blkio.weight", v},
		{paths["blkio"], "blkio.bfq.weight", v},
		{paths[""], "io.bfq.weight", v},
		{paths[""], "io.weight", strconv.FormatUint(1+(uint64(weight)-10)*9999/990, 10)},
	}
	for _, t := range try {
		if t.dir == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(t.dir, t.file)); err == nil {
			return fscommon.WriteFile(t.dir, t.file, t.value)
		}
	}
	return errors.New("blkio weight: this host's cgroups keep no block I/O weight (no blkio.weight, io.bfq.weight or io.weight: the I/O scheduler has none)")
}
