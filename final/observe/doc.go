// Package observe looks at a running container from the host, beyond the
// book, as docker top and docker stats do: Top lists the processes of its
// PID namespace (exec's too), with ps -ef's columns (PsEF), and Stats
// samples their CPU time, resident memory and number, its network's
// counters and its cgroup's block I/O. Both read processes from /proc
// (through package procstat), not from the container's cgroup, since on
// cgroup v1 a container without limits has none in the memory and
// cpuacct hierarchies. It runs in the CLI's
// process, imports state (Container) and is imported by the CLI alone.
// A container's logs stay in package container, whose monitor writes
// them.
package observe
