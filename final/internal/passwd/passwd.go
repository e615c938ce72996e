package passwd

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// Credential is who the container's command runs as.
type Credential struct {
	UID, GID int
	Groups   []int
	Home     string
}

// Lookup resolves a user as docker's -u and an image's User read it:
// NAME or UID, optionally :GROUP or :GID, names looked up in the
// container's own /etc/passwd and /etc/group (init runs it after the
// pivot, so these are the image's files, never the host's). "" is root.
// A number that the files do not name is taken as it is, with group 0.
func Lookup(spec string) (Credential, error) { return LookupInRoot("/", spec) }

// LookupInRoot is Lookup with the files read inside the root
// directory root: exec reads a running container's through /proc/PID/root.
func LookupInRoot(root, spec string) (Credential, error) {
	dir, err := os.OpenFile(root, os.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return Credential{}, fmt.Errorf("open the container's root: %w", err)
	}
	defer dir.Close()
	return lookupIn(dir, spec)
}

// lookupIn is Lookup with passwd and group read inside root, a
// directory: every path is resolved in it (etcFile).
func lookupIn(root *os.File, spec string) (Credential, error) {
	userPart, groupPart, hasGroup := strings.Cut(spec, ":")
	if userPart == "" {
		userPart = "0"
	}
	cred := Credential{Home: "/"}
	passwd, err := etcFile(root, "/etc/passwd")
	if err != nil {
		return cred, err
	}
	entry, found := findEntry(passwd, userPart, 2)
	switch {
	case found:
		cred.UID, _ = strconv.Atoi(entry[2])
		cred.GID, _ = strconv.Atoi(entry[3])
		if len(entry) > 5 && entry[5] != "" {
			cred.Home = entry[5]
		}
	case isNumber(userPart):
		cred.UID, _ = strconv.Atoi(userPart)
	default:
		return cred, fmt.Errorf("unable to find user %s: no matching entries in the image's /etc/passwd", userPart)
	}
	if cred.UID == 0 && !found {
		cred.Home = "/root"
	}
	if !hasGroup && !found {
		return cred, nil
	}
	group, err := etcFile(root, "/etc/group")
	if err != nil {
		return cred, err
	}
	if hasGroup {
		entry, ok := findEntry(group, groupPart, 2)
		switch {
		case ok:
			cred.GID, _ = strconv.Atoi(entry[2])
		case isNumber(groupPart):
			cred.GID, _ = strconv.Atoi(groupPart)
		default:
			return cred, fmt.Errorf("unable to find group %s: no matching entries in the image's /etc/group", groupPart)
		}
	}
	if found {
		cred.Groups = memberOf(group, entry[0], cred.GID)
	}
	return cred, nil
}

// maxEtcFile bounds what is read of a container's /etc/passwd or group.
const maxEtcFile = 4 << 20

// etcFile reads the file at path inside root (nil when there is none).
// The container owns these files: path is resolved inside root, a symlink
// to an absolute path included (RESOLVE_IN_ROOT, never the host's file of
// that name), opened as a handle first and read only if it is a regular
// file (a FIFO would block us for good), at most maxEtcFile bytes.
func etcFile(root *os.File, path string) ([]byte, error) {
	handle, err := pathrs.OpenatInRoot(root, path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open the container's %s: %w", path, err)
	}
	defer handle.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(handle.Fd()), &st); err != nil {
		return nil, fmt.Errorf("stat the container's %s: %w", path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, fmt.Errorf("the container's %s is not a regular file", path)
	}
	f, err := pathrs.Reopen(handle, unix.O_RDONLY|unix.O_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("open the container's %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxEtcFile+1))
	if err != nil {
		return nil, fmt.Errorf("read the container's %s: %w", path, err)
	}
	if len(data) > maxEtcFile {
		return nil, fmt.Errorf("the container's %s is larger than %d bytes", path, maxEtcFile)
	}
	return data, nil
}

// findEntry finds the line of a passwd-style file whose first field (the
// name) or field idField (the number) is key.
func findEntry(file []byte, key string, idField int) ([]string, bool) {
	sc := bufio.NewScanner(bytes.NewReader(file))
	sc.Buffer(nil, maxEtcFile)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) > idField && (fields[0] == key || fields[idField] == key) {
			return fields, true
		}
	}
	return nil, false
}

// memberOf lists the groups of the group file that name user as a
// member, with its primary group first.
func memberOf(group []byte, user string, primary int) []int {
	groups := []int{primary}
	sc := bufio.NewScanner(bytes.NewReader(group))
	sc.Buffer(nil, maxEtcFile)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) < 4 {
			continue
		}
		for _, m := range strings.Split(fields[3], ",") {
			if gid, err := strconv.Atoi(fields[2]); err == nil && m == user && gid != primary {
				groups = append(groups, gid)
			}
		}
	}
	return groups
}

func isNumber(s string) bool {
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil
}
