package resources

import (
	"fmt"
	"strconv"
)

// DeviceRule lets a container make (m), read (r) or write (w) device
// nodes of a type ('c' character, 'b' block, 'a' both), major and minor
// (-1: any). What no rule allows is refused, also a node made with mknod
// inside: making one is allowed, opening it is not.
type DeviceRule struct {
	Type   byte   `json:"type"`
	Major  int64  `json:"major"`
	Minor  int64  `json:"minor"`
	Access string `json:"access"`
}

// DefaultDeviceRules are docker's: mknod of any node, and the use of
// null, zero, full, random, urandom, tty, console, ptmx, the pseudo
// terminals and tun.
func DefaultDeviceRules() []DeviceRule {
	return []DeviceRule{
		{'c', -1, -1, "m"}, {'b', -1, -1, "m"},
		{'c', 1, 3, "rwm"}, {'c', 1, 5, "rwm"}, {'c', 1, 7, "rwm"}, {'c', 1, 8, "rwm"}, {'c', 1, 9, "rwm"},
		{'c', 5, 0, "rwm"}, {'c', 5, 1, "rwm"}, {'c', 5, 2, "rwm"}, {'c', 136, -1, "rwm"}, {'c', 10, 200, "rwm"},
	}
}

// String is the rule as cgroup v1's devices.allow reads it: "c 1:3 rwm".
func (r DeviceRule) String() string {
	num := func(n int64) string {
		if n < 0 {
			return "*"
		}
		return strconv.FormatInt(n, 10)
	}
	return fmt.Sprintf("%c %s:%s %s", r.Type, num(r.Major), num(r.Minor), r.Access)
}
