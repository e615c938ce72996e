// Package nsenter moves "mydocker exec" into a running container's
// namespaces (book 5.4). Linking it in is enough: its C constructor runs
// in every mydocker process, before the Go runtime starts, and does
// nothing unless the environment says that descriptor 3 holds a
// container to enter (EnvConfigFd).
//
// What to enter, and the command's environment, come on that descriptor
// (config.go), never in our environment: the container's environment is
// the container's (an image's ENV, or what its PID 1 put in
// /proc/PID/environ), and as ours it would be read by the host's dynamic
// loader (LD_PRELOAD, LD_DEBUG) and by this code while we are still root
// on the host. We start with a fixed environment of mydocker's; the
// command gets its own only at execvp, in the container.
//
// Why C, and why so early: setns(2) into a mount namespace is refused
// (EINVAL) to a process whose threads share their filesystem attributes,
// and the Go runtime starts its threads before main; a process that has
// joined another PID namespace cannot start threads of its own either.
// A constructor runs while the process is still one thread. It opens
// /proc/PID/ns/{ipc,uts,net,pid,mnt} while /proc is still the host's (mnt
// last: after it, /proc/PID means something else), checks that PID is
// still the container's init (its start time), joins the container's
// cgroup and each namespace, checking every call, and forks: only a child
// is in the PID namespace. The child execs the command as a list (no
// shell, no system(3)); the parent forwards signals and exits with the
// child's status. On any failure it exits 125 and nothing has run: the
// book's version ran the command on the host when the container was gone.
package nsenter

/*
#cgo CFLAGS: -Wall -Werror
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t child;

// forward passes a signal sent to us (by mydocker exec) on to the command.
// One that a terminal sent (SI_KERNEL) reached the command's process group
// already.
static void forward(int sig, siginfo_t *info, void *ctx) {
	(void)ctx;
	if (child > 0 && info->si_code != SI_KERNEL)
		kill(child, sig);
}

static void die(const char *what) {
	fprintf(stderr, "mydocker: exec: %s: %s\n", what, strerror(errno));
	_exit(125);
}

// start_time reads field 22 of /proc/PID/stat: after the command name in
// parentheses, the 20th field.
static unsigned long long start_time(const char *pid) {
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

// join_cgroups writes our pid into cgroup.procs of each directory in
// dirs, separated by ':'.
static void join_cgroups(char *dirs) {
	char pid[32];
	snprintf(pid, sizeof pid, "%d", getpid());
	for (char *dir = strtok(dirs, ":"); dir; dir = strtok(NULL, ":")) {
		char path[4096];
		snprintf(path, sizeof path, "%s/cgroup.procs", dir);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, pid, strlen(pid)) < 0)
			die("join the container's cgroup");
		close(fd);
	}
}

// The configuration read from the descriptor: parameters (KEY=VALUE) up
// to an empty string, then the command's environment, each string ended
// by a NUL (config.go writes it).
#define MAX_CONFIG (8 << 20)
#define MAX_PARAMS 16
static char *param_keys[MAX_PARAMS], *param_values[MAX_PARAMS];
static int nparams;
static char **command_env;

static void bad_config(const char *why) {
	fprintf(stderr, "mydocker: exec: bad configuration: %s\n", why);
	_exit(125);
}

// param is the value of parameter key, or NULL.
static char *param(const char *key) {
	for (int i = 0; i < nparams; i++)
		if (strcmp(param_keys[i], key) == 0)
			return param_values[i];
	return NULL;
}

// read_config reads the whole configuration from fd with read(2), and
// closes fd: nothing of it reaches the command.
static void read_config(int fd) {
	size_t size = 1 << 16, len = 0;
	char *buf = malloc(size);
	for (;;) {
		if (buf == NULL)
			die("read the configuration");
		if (len == size) {
			if (size >= MAX_CONFIG)
				bad_config("too large");
			size *= 2;
			buf = realloc(buf, size);
			continue;
		}
		ssize_t n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read the configuration");
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len == 0 || buf[len - 1] != 0)
		bad_config("not NUL-terminated");
	char *p = buf, *end = buf + len;
	for (; p < end && *p != 0; p += strlen(p) + 1) {
		char *eq = strchr(p, '=');
		if (eq == NULL || nparams == MAX_PARAMS)
			bad_config("parameter");
		*eq = 0;
		param_keys[nparams] = p;
		param_values[nparams++] = eq + 1;
		p = eq + 1;
	}
	if (p < end)
		p++; // the empty string that ends the parameters
	size_t n = 0;
	for (char *q = p; q < end; q += strlen(q) + 1)
		n++;
	command_env = calloc(n + 1, sizeof *command_env);
	if (command_env == NULL)
		die("read the configuration");
	for (size_t i = 0; i < n; p += strlen(p) + 1)
		command_env[i++] = p;
}

__attribute__((constructor)) static void nsenter(int argc, char **argv) {
	const char *fd = getenv("_MYDOCKER_NSENTER_CONFIG_FD");
	if (fd == NULL)
		return;
	read_config(atoi(fd) > 2 ? atoi(fd) : -1);
	const char *pid = param("pid");
	const char *start = param("start");
	char *cgroups = param("cgroups");
	if (argc < 2 || pid == NULL || start == NULL) {
		fprintf(stderr, "mydocker: exec: no command\n");
		_exit(125);
	}
	static const char *names[] = {"ipc", "uts", "net", "pid", "mnt"};
	int fds[5];
	for (int i = 0; i < 5; i++) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%s/ns/%s", pid, names[i]);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			die("the container is not running");
	}
	// The namespaces opened are those of the container's init, not of a
	// process that took its pid since: it still has the recorded start.
	if (start_time(pid) != strtoull(start, NULL, 10)) {
		fprintf(stderr, "mydocker: exec: the container is not running\n");
		_exit(125);
	}
	if (cgroups != NULL && *cgroups != 0)
		join_cgroups(cgroups);
	for (int i = 0; i < 5; i++) {
		if (setns(fds[i], 0) < 0)
			die(names[i]);
		close(fds[i]);
	}

	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		// The command's environment, and only now: execvp looks the
		// command up in its PATH, in the container.
		environ = command_env;
		execvp(argv[1], argv + 1);
		int code = errno == ENOENT ? 127 : 126;
		fprintf(stderr, "mydocker: exec %s: %s\n", argv[1], strerror(errno));
		_exit(code);
	}
	int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	struct sigaction sa = {.sa_sigaction = forward, .sa_flags = SA_SIGINFO | SA_RESTART};
	for (int i = 0; i < 6; i++)
		sigaction(sigs[i], &sa, NULL);
	int status;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			die("wait");
	if (WIFSIGNALED(status))
		_exit(128 + WTERMSIG(status));
	_exit(WEXITSTATUS(status));
}
*/
import "C"

// EnvConfigFd is the one variable of the fixed environment that exec
// starts this binary with: the constructor reads its configuration from
// descriptor ConfigFd (ExtraFiles[0]).
const (
	EnvConfigFd = "_MYDOCKER_NSENTER_CONFIG_FD"
	ConfigFd    = 3
)
