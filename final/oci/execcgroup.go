package oci

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ParseSubCgroups reads exec's --cgroup values as runc does: one PATH
// (cgroup v2, or every v1 hierarchy), or CONTROLLER[,CONTROLLER]:PATH
// for v1 controllers; a map of controller ("" for all) to PATH.
func ParseSubCgroups(args []string) (map[string]string, error) {
	if len(args) == 0 {
		return nil, nil
	}
	subs := map[string]string{}
	for _, arg := range args {
		ctrls, path, ok := strings.Cut(arg, ":")
		if !ok {
			if len(args) != 1 {
				return nil, fmt.Errorf("invalid --cgroup argument: %s (missing <controller>: prefix)", arg)
			}
			subs[""] = arg
			continue
		}
		for _, ctrl := range strings.Split(ctrls, ",") {
			if ctrl == "" {
				return nil, fmt.Errorf("invalid --cgroup argument: %s (empty <controller> prefix)", arg)
			}
			if _, dup := subs[ctrl]; dup {
				return nil, fmt.Errorf("invalid --cgroup argument(s): controller %s specified multiple times", ctrl)
			}
			subs[ctrl] = path
		}
	}
	return subs, nil
}

// execCgroups are the cgroup directories exec's process joins: the
// container's, or the sub-cgroups of them that subs names (runc's exec
// --cgroup), which must exist. A sub-cgroup is below the container's
// cgroup whatever its path says ("../x" is "x"). On v1, a controller
// that shares a hierarchy with another (cpu,cpuacct) takes the sub-cgroup
// given for either.
func (c *Container) execCgroups(subs map[string]string) ([]string, error) {
	byHierarchy := map[string]string{} // the hierarchy's real directory -> sub
	for ctrl, sub := range subs {
		if strings.ContainsAny(sub, ":,") {
			return nil, fmt.Errorf("exec --cgroup %s: a path with ':' or ',' is not supported", sub)
		}
		if ctrl == "" {
			continue
		}
		dir, ok := c.Cgroup[ctrl]
		if !ok {
			return nil, fmt.Errorf("exec --cgroup %s:%s: the container has no cgroup of controller %s", ctrl, sub, ctrl)
		}
		byHierarchy[realDir(dir)] = sub
	}
	seen := map[string]bool{}
	var dirs []string
	for _, base := range c.Cgroup {
		sub, ok := byHierarchy[realDir(base)]
		if !ok {
			sub = subs[""]
		}
		dir := filepath.Join(base, filepath.Clean("/"+sub))
		if sub != "" {
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				return nil, fmt.Errorf("exec --cgroup: sub-cgroup %s does not exist (%s)", sub, dir)
			}
		}
		if real := realDir(dir); !seen[real] {
			seen[real] = true
			dirs = append(dirs, dir)
		}
	}
	sort.Strings(dirs)
	return dirs, nil
}

// realDir is dir with its symlinks resolved (v1's /sys/fs/cgroup/cpu is
// often one to cpu,cpuacct), or dir.
func realDir(dir string) string {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		return real
	}
	return dir
}
