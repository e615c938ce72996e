package passwd

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// HomeInRoot is the home directory of the user numbered uid in the
// /etc/passwd inside root (read as LookupInRoot reads it), "/" when the
// file names no such user or none: an OCI runtime's HOME for a process
// whose environment has none (runc's, for a number the spec gives, so the
// user is matched by number only, never by a name that looks like one).
func HomeInRoot(root string, uid uint32) (string, error) {
	dir, err := os.OpenFile(root, os.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "/", fmt.Errorf("open the container's root: %w", err)
	}
	defer dir.Close()
	passwd, err := etcFile(dir, "/etc/passwd")
	if err != nil {
		return "/", err
	}
	want := strconv.FormatUint(uint64(uid), 10)
	sc := bufio.NewScanner(bytes.NewReader(passwd))
	sc.Buffer(nil, maxEtcFile)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) > 5 && fields[2] == want && fields[5] != "" {
			return fields[5], nil
		}
	}
	return "/", nil
}
