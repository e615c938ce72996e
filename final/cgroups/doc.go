// Package cgroups limits what a container may use (book 3.2).
//
// A control group is a directory in a cgroup filesystem: its files hold
// limits (memory.max, cpu.weight, ...) and the pids written to its
// cgroup.procs are held to them, with all their children. The kernel has
// two layouts (cgroups(7)):
//
//   - cgroup v1: one hierarchy per controller, each mounted on its own,
//     e.g. /sys/fs/cgroup/memory/mydocker/<id>/memory.limit_in_bytes.
//     Package fs drives it.
//   - cgroup v2: one unified hierarchy at /sys/fs/cgroup, where a parent
//     must enable a controller in cgroup.subtree_control before its
//     children can use it. Package fs2 drives it.
//
// Most distributions now mount only v2; older ones mount v1, and "hybrid"
// machines mount both, with the controllers on v1. New looks at what is
// mounted and picks the driver: detect, never assume.
package cgroups
