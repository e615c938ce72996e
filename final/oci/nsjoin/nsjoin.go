// Package nsjoin joins namespaces that a Go program cannot join itself.
// Linking it in is enough: its C constructor runs in every mydocker-runc
// process before the Go runtime starts, and does nothing unless the
// environment asks it to.
//
// Why C: the kernel refuses setns(2) into a mount namespace to a process
// whose threads share their filesystem attributes, and into a user
// namespace to any process with more than one thread; the Go runtime
// starts its threads before main. And a process that joins a PID
// namespace stays outside it: only its children are inside, so entering
// one ends in a fork.
//
// Two uses:
//   - create's init joins the user and mount namespaces that a bundle
//     names by path (the others are joined by the thread that starts it,
//     see oci/namespaces.go);
//   - exec enters a running container: every namespace of its init, its
//     cgroup, then a fork. The parent writes the child's pid to a pipe and
//     exits at once; the child, inside, goes on into Go (oci.ExecInit).
//     The process so has no parent of ours: it is reparented to the
//     nearest subreaper, mydocker-runc exec itself or the shim that ran it
//     (the reason runc exec --detach works as it does).
package nsjoin

/*
#cgo CFLAGS: -Wall -Werror
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

static void fail(const char *what, const char *arg) {
	fprintf(stderr, "mydocker-runc: %s %s: %s\n", what, arg, strerror(errno));
	_exit(1);
}

// Each entry is "type:/path" or "type:fd:N" (a descriptor the caller
// opened), separated by ','. All are opened before any is joined: once
// in another mount namespace, a host path means something else.
#define MAX_NS 16
static int open_all(char *list, int *fds, char names[][16]) {
	int n = 0;
	for (char *e = strtok(list, ","); e && n < MAX_NS; e = strtok(NULL, ",")) {
		char *path = strchr(e, ':');
		if (path == NULL)
			fail("bad namespace entry", e);
		*path++ = 0;
		snprintf(names[n], 16, "%s", e);
		if (strncmp(path, "fd:", 3) == 0)
			fds[n] = atoi(path + 3);
		else if ((fds[n] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			fail("open namespace", path);
		n++;
	}
	return n;
}

// join_cgroup writes our pid into each cgroup.procs listed, ':'-separated.
static void join_cgroup(char *dirs) {
	char pid[32];
	snprintf(pid, sizeof pid, "%d", getpid());
	for (char *dir = strtok(dirs, ":"); dir; dir = strtok(NULL, ":")) {
		char path[4096];
		snprintf(path, sizeof path, "%s/cgroup.procs", dir);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, pid, strlen(pid)) < 0)
			fail("join cgroup", dir);
		close(fd);
	}
}

// entering tells an init or exec-init process (create and exec start
// them with exactly that argv[1]): the processes that a container will
// see while they still run our binary.
static int entering(int argc, char **argv) {
	return argc >= 2 && (strcmp(argv[1], "init") == 0 || strcmp(argv[1], "exec-init") == 0);
}

// glibc hands a constructor main's argc and argv.
__attribute__((constructor)) static void nsjoin(int argc, char **argv) {
	// Non-dumpable before any namespace is joined: a container's process
	// cannot then open our /proc/PID/exe, fd or mem without CAP_SYS_PTRACE
	// over us (CVE-2019-5736; the binary itself is sealed, oci/exeseal.go).
	// Nothing restores it: the program's execve does, as the kernel makes
	// every execve of a readable, non-setuid file by unchanged credentials
	// dumpable again (SUID_DUMP_USER; begin_new_exec in fs/exec.c).
	if (entering(argc, argv) && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		fail("prctl", "PR_SET_DUMPABLE");
	char *env = getenv("_MYDOCKER_RUNC_JOIN");
	if (env == NULL)
		return;
	static char list[8192], cgroups[8192];
	snprintf(list, sizeof list, "%s", env);
	char *cg = getenv("_MYDOCKER_RUNC_CGROUP");
	snprintf(cgroups, sizeof cgroups, "%s", cg ? cg : "");
	char *pidfd = getenv("_MYDOCKER_RUNC_PIDPIPE");
	int pipe_fd = pidfd ? atoi(pidfd) : -1;
	unsetenv("_MYDOCKER_RUNC_JOIN");
	unsetenv("_MYDOCKER_RUNC_CGROUP");
	unsetenv("_MYDOCKER_RUNC_PIDPIPE");

	int fds[MAX_NS];
	char names[MAX_NS][16];
	int n = open_all(list, fds, names);
	if (*cgroups)
		join_cgroup(cgroups);
	for (int i = 0; i < n; i++) {
		if (setns(fds[i], 0) < 0)
			fail("join namespace", names[i]);
		close(fds[i]);
	}
	if (pipe_fd < 0)
		return;
	pid_t child = fork();
	if (child < 0)
		fail("fork", "into the container");
	if (child > 0) {
		char buf[32];
		int len = snprintf(buf, sizeof buf, "%d\n", child);
		if (write(pipe_fd, buf, len) != len)
			fail("report the pid", "");
		_exit(0);
	}
	close(pipe_fd);
}
*/
import "C"
