package container

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// credential is who the container's command runs as.
type credential struct {
	uid, gid int
	groups   []int
	home     string
}

// lookupUser resolves a user as docker's -u and an image's User read it:
// NAME or UID, optionally :GROUP or :GID, names looked up in the
// container's own /etc/passwd and /etc/group (init runs it after the
// pivot, so these are the image's files, never the host's). "" is root.
// A number that the files do not name is taken as it is, with group 0.
func lookupUser(spec string) (credential, error) { return lookupUserIn("/etc", spec) }

// lookupUserIn is lookupUser with passwd and group read from etcDir:
// exec reads the container's through /proc/PID/root.
func lookupUserIn(etcDir, spec string) (credential, error) {
	userPart, groupPart, hasGroup := strings.Cut(spec, ":")
	if userPart == "" {
		userPart = "0"
	}
	cred := credential{home: "/"}
	entry, found := findEntry(etcDir+"/passwd", userPart, 2)
	switch {
	case found:
		cred.uid, _ = strconv.Atoi(entry[2])
		cred.gid, _ = strconv.Atoi(entry[3])
		if len(entry) > 5 && entry[5] != "" {
			cred.home = entry[5]
		}
	case isNumber(userPart):
		cred.uid, _ = strconv.Atoi(userPart)
	default:
		return cred, fmt.Errorf("unable to find user %s: no matching entries in the image's /etc/passwd", userPart)
	}
	if cred.uid == 0 && !found {
		cred.home = "/root"
	}
	if hasGroup {
		group, ok := findEntry(etcDir+"/group", groupPart, 2)
		switch {
		case ok:
			cred.gid, _ = strconv.Atoi(group[2])
		case isNumber(groupPart):
			cred.gid, _ = strconv.Atoi(groupPart)
		default:
			return cred, fmt.Errorf("unable to find group %s: no matching entries in the image's /etc/group", groupPart)
		}
	}
	if found {
		cred.groups = memberOf(etcDir, entry[0], cred.gid)
	}
	return cred, nil
}

// findEntry finds the line of a passwd-style file whose first field (the
// name) or field idField (the number) is key.
func findEntry(path, key string, idField int) ([]string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) > idField && (fields[0] == key || fields[idField] == key) {
			return fields, true
		}
	}
	return nil, false
}

// memberOf lists the groups of /etc/group that name user as a member,
// with its primary group first.
func memberOf(etcDir, user string, primary int) []int {
	groups := []int{primary}
	f, err := os.Open(etcDir + "/group")
	if err != nil {
		return groups
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
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
