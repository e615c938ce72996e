package enter

// mydocker's own binary must stay out of a container's reach: a process
// inside that could open it through /proc/PID/exe of a process of ours in
// its PID namespace, and write it once that process had exited, would own
// the host the next time mydocker runs (CVE-2019-5736, the runc escape).
// Two guards, for every process of ours that a container can see:
//
//   - exec's process runs our binary only between its fork and its
//     execvp, from a read-only bind of the binary alone (a detached mount,
//     oci.SealedExe; a sealed memfd copy where the kernel lacks the mount
//     API): reopening its /proc/PID/exe for writing fails with EROFS,
//     whatever capabilities the container has. The bind costs some tens of
//     microseconds, so every exec gets it;
//   - exec's C constructor makes the process non-dumpable before it joins
//     anything, so /proc/PID/exe is refused to whoever lacks
//     CAP_SYS_PTRACE in the first place.
//
// init is never seen by a process of the container: it execs the command
// before there is one (exec waits until the container runs).
