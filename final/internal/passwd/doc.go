// Package passwd resolves a user as docker's -u and an image's User name
// one (NAME or UID, optionally :GROUP or :GID) to the numbers a process
// runs as, from a container's own /etc/passwd and /etc/group, read inside
// its root so that a symlink or a FIFO of the container's cannot lead the
// reader out of it or block it. It runs in two processes: the init of
// mydocker run, after its pivot (Lookup), and mydocker exec on the host,
// through /proc/PID/root (LookupInRoot). The code of run's init and of
// exec imports it; it imports nothing of mydocker's.
package passwd
