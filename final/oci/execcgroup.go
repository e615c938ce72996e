package oci

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/moby/sys/mountinfo"
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
// --cgroup), which must exist. A sub-cgroup must be below the container's
// cgroup ("/" is that cgroup itself): "..", or "../x" for a sibling, is
// refused in runc's words. On
// v1, a controller that shares a hierarchy with another (cpu,cpuacct)
// takes the sub-cgroup given for either.
func (c *Container) execCgroups(subs map[string]string) ([]string, error) {
	byHierarchy := map[string]string{} // the hierarchy's real directory -> sub
	for ctrl, sub := range subs {
		if strings.ContainsAny(sub, ":,") {
			return nil, fmt.Errorf("exec --cgroup %s: a path with ':' or ',' is not supported", sub)
		}
		if rel := strings.TrimLeft(sub, "/"); rel != "" && !filepath.IsLocal(rel) {
			return nil, fmt.Errorf("exec --cgroup %s: bad sub cgroup path: it must name a cgroup below the container's", sub)
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
	for key, base := range c.Cgroup {
		if key == "" && len(subs) == 0 {
			base = c.initCgroupIfGone(base)
		}
		sub, ok := byHierarchy[realDir(base)]
		if !ok {
			sub = subs[""]
		}
		dir := filepath.Join(base, filepath.Clean("/"+sub))
		if sub != "" {
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				// In runc's words, which its tests read.
				return nil, fmt.Errorf("exec --cgroup %s: adding pid to cgroup %s: no such file or directory", sub, dir)
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

// initCgroupIfGone is base, the container's cgroup v2 directory, or init's
// own cgroup now where base cannot take a process: a container whose init
// moved itself into a cgroup of its own (its /sys/fs/cgroup writable) may
// have removed base, or enabled controllers in base for its children, and
// v2 then puts no process in base ("no internal processes", EBUSY). exec
// goes where init is, as runc's.
func (c *Container) initCgroupIfGone(base string) string {
	if ctrls, err := os.ReadFile(filepath.Join(base, "cgroup.subtree_control")); err == nil && len(strings.TrimSpace(string(ctrls))) == 0 {
		return base
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", c.Pid))
	if err != nil {
		return base
	}
	root, err := cgroup2Root()
	if err != nil {
		return base
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rel, ok := strings.CutPrefix(line, "0::"); ok && filepath.IsAbs(rel) {
			return filepath.Join(root, rel)
		}
	}
	return base
}

// cgroup2Root is where the host's cgroup v2 hierarchy is mounted.
func cgroup2Root() (string, error) {
	infos, err := mountinfo.GetMounts(mountinfo.FSTypeFilter("cgroup2"))
	if err != nil {
		return "", err
	}
	for _, info := range infos {
		if info.Root == "/" {
			return info.Mountpoint, nil
		}
	}
	return "", errors.New("no cgroup2 mount")
}
