package oci

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/mydocker/mydocker/final/internal/passwd"
)

// processEnv is the environment a process of the container gets, as runc
// gives it: each variable once, with its last value (a client appends its
// overrides to the image's), in the order of those, and HOME, where the
// environment has none or an empty one, the user's home directory from
// the container's /etc/passwd (home, only called then).
func processEnv(env []string, home func() string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(env)+1)
	hasHome := false
	for i := len(env) - 1; i >= 0; i-- {
		key, value, _ := strings.Cut(env[i], "=")
		if seen[key] {
			continue
		}
		seen[key] = true
		if key == "HOME" {
			if value == "" {
				continue
			}
			hasHome = true
		}
		out = append(out, env[i])
	}
	slices.Reverse(out)
	if !hasHome {
		out = append(out, "HOME="+home())
	}
	return out
}

// ownHome is init's home for the process's user: in the container's
// /etc/passwd, which init reads at its root once the root is set up (a
// client's bind mount over it, as podman's, included). A file that cannot
// be read gives "/", as no entry does.
func ownHome(uid uint32) func() string {
	return func() string {
		home, _ := passwd.HomeInRoot("/", uid)
		return home
	}
}

// homeIn is exec's: the container's /etc/passwd through its init's root.
func (c *Container) homeIn(uid uint32) func() string {
	return func() string {
		home, err := passwd.HomeInRoot(fmt.Sprintf("/proc/%d/root", c.Pid), uid)
		if err != nil {
			logrus.WithError(err).Warnf("HOME of user %d: taking /", uid)
		}
		return home
	}
}
