package passwd

import (
	"fmt"
	"os"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"
)

// AddGroups gives cred the supplementary groups names (--group-add), as
// docker: each a name in the container's /etc/group (read inside root,
// as Lookup's) or a number. Its own groups stay, its primary one first.
func AddGroups(root string, cred *Credential, names []string) error {
	if len(names) == 0 {
		return nil
	}
	dir, err := os.OpenFile(root, os.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open the container's root: %w", err)
	}
	defer dir.Close()
	group, err := etcFile(dir, "/etc/group")
	if err != nil {
		return err
	}
	if len(cred.Groups) == 0 {
		cred.Groups = []int{cred.GID}
	}
	for _, name := range names {
		gid, err := groupID(group, name)
		if err != nil {
			return err
		}
		if !slices.Contains(cred.Groups, gid) {
			cred.Groups = append(cred.Groups, gid)
		}
	}
	return nil
}

// groupID is name's number in the group file, or name itself when it is
// a number.
func groupID(group []byte, name string) (int, error) {
	if entry, ok := findEntry(group, name, 2); ok && entry[0] == name {
		if gid, err := strconv.ParseUint(entry[2], 10, 32); err == nil {
			return int(gid), nil
		}
	}
	if gid, err := strconv.ParseUint(name, 10, 32); err == nil {
		return int(gid), nil
	}
	return 0, fmt.Errorf("unable to find group %s: no matching entries in the image's /etc/group", name)
}
