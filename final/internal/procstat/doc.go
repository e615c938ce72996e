// Package procstat reads /proc/PID/stat, the one place both runtimes
// (mydocker's container and mydocker-runc's oci) learn a process's state,
// parent, terminal, CPU times and start time. The command name in the file is
// between parentheses and is chosen by the process itself: it may hold
// spaces, parentheses and ") (", so the fields are read after the last
// ')', never by splitting the whole line. A process is identified across
// pid reuse by its pid and its start time together.
package procstat
