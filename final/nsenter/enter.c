// The constructor: it enters a running container and runs the command
// there (exec), or joins the namespaces a bundle names by path and goes
// on into Go (mydocker-runc's init).
#include "nsenter.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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
	char pid[32], *save = NULL;
	snprintf(pid, sizeof pid, "%d", getpid());
	for (char *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char path[4096];
		snprintf(path, sizeof path, "%s/cgroup.procs", dir);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		// In runc's words ("adding pid N to cgroups"), which its clients
		// and tests read.
		if (fd < 0 || write(fd, pid, strlen(pid)) < 0)
			nsenter_fail(125, "exec: adding pid %s to cgroups (%s): %s", pid, dir, strerror(errno));
		close(fd);
	}
}

// set_groups sets the supplementary groups: "groups" is comma-separated;
// present but empty, it clears them (refused, and then let be, in a user
// namespace whose setgroups is "deny").
static void set_groups(char *groups) {
	if (groups == NULL)
		return;
	static gid_t list[256];
	int n = 0;
	char *save = NULL;
	for (char *g = strtok_r(groups, ",", &save); g; g = strtok_r(NULL, ",", &save)) {
		if (n == 256)
			nsenter_fail(125, "exec: more than 256 groups");
		list[n++] = (gid_t)strtoul(g, NULL, 10);
	}
	if (setgroups(n, list) < 0 && !(n == 0 && errno == EPERM))
		nsenter_die("set the groups");
}

// become switches to the user the command runs as: groups, then group,
// then user, as init does, then the umask, and then its working
// directory, so that both are checked as that user.
static void become(void) {
	const char *uid = nsenter_param("uid"), *gid = nsenter_param("gid");
	const char *cwd = nsenter_param("cwd"), *umask_v = nsenter_param("umask");
	set_groups(nsenter_param("groups"));
	if (gid != NULL && *gid != 0 && setgid((gid_t)strtoul(gid, NULL, 10)) < 0)
		nsenter_die("set the group");
	if (uid != NULL && *uid != 0 && setuid((uid_t)strtoul(uid, NULL, 10)) < 0)
		nsenter_die("set the user");
	if (umask_v != NULL && *umask_v != 0)
		umask((mode_t)strtoul(umask_v, NULL, 10));
	if (cwd != NULL && *cwd != 0 && chdir(cwd) < 0)
		nsenter_fail(126, "exec: change to the working directory %s: %s", cwd, strerror(errno));
}

// close_from closes every descriptor from fd on.
static void close_from(int fd) {
	if (syscall(SYS_close_range, fd, ~0U, 0) == 0)
		return;
	for (; fd < 1024; fd++)
		close(fd);
}

// close_other_fds closes every descriptor but stdin, stdout, stderr, the
// "preserve" ones from 3 on (passed on by the caller, below ours) and
// keep (the report pipe, if any, close-on-exec): nothing else of ours,
// or of whoever ran us, reaches the command.
static void close_other_fds(int keep) {
	const char *preserve = nsenter_param("preserve");
	int first = 3 + (preserve ? atoi(preserve) : 0);
	if (keep < first) {
		close_from(first);
		return;
	}
	for (int fd = first; fd < keep; fd++)
		close(fd);
	close_from(keep + 1);
}

// open_namespaces opens /proc/PID/ns/NAME for each name of list, in its
// order, while /proc is still the host's (mnt last: after it, /proc/PID
// means something else).
#define MAX_NS 8
static int open_namespaces(const char *pid, char *list, int *fds, char **names) {
	int n = 0;
	char *save = NULL;
	for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		if (n == MAX_NS)
			nsenter_fail(125, "exec: bad configuration: namespaces");
		char path[64];
		snprintf(path, sizeof path, "/proc/%s/ns/%s", pid, name);
		names[n] = name;
		if ((fds[n++] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			nsenter_die("the container is not running");
	}
	return n;
}

// run is the child, in the container: its session and terminal, its
// confinement and user, and the command. It never returns.
static void run(char **argv, int report) {
	if (nsenter_flag("setsid") && setsid() < 0)
		nsenter_die("setsid");
	if (nsenter_flag("ctty") && ioctl(0, TIOCSCTTY, 0) < 0)
		nsenter_die("make the terminal the controlling one");
	nsenter_final_affinity(); // in the cgroup, before any filter
	nsenter_set_scheduler();
	nsenter_set_ioprio();
	nsenter_set_mempolicy();
	nsenter_apply_apparmor();
	if (nsenter_confined()) {
		nsenter_early_seccomp();
		nsenter_set_rlimits();
		nsenter_drop_bounding();
		prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
	}
	become();
	if (nsenter_confined())
		nsenter_set_capabilities();
	close_other_fds(report);
	// execvp looks the command up through PATH itself, which the filter
	// allows: it comes after.
	nsenter_lock_down();
	// The command's environment, and only now: execvp looks the command
	// up in its PATH, in the container.
	environ = nsenter_env;
	execvp(argv[1], argv + 1);
	// Reported, in the words of Go's os/exec, which clients of an OCI
	// runtime match to exit 127 (podman) as they do runc's.
	if (report >= 0 && errno == ENOENT && strchr(argv[1], '/') == NULL)
		nsenter_fail(127, "exec: \"%s\": executable file not found in $PATH", argv[1]);
	nsenter_fail(errno == ENOENT ? 127 : 126, "exec %s: %s", argv[1], strerror(errno));
}

// join_all joins the namespaces opened, in two passes as runc does: a
// namespace the container's user namespace does not own (a pod's network
// namespace, made on the host) is joined with our rights first, and
// refused (EPERM) once we are in that user namespace; one that needs its
// rights is joined after it. The user namespace comes in between.
static void join_all(int *fds, char **names, int n) {
	int user = -1;
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], "user") == 0)
			user = i;
	for (int i = 0; i < n; i++) {
		if (i == user)
			continue;
		if (setns(fds[i], 0) == 0) {
			close(fds[i]);
			fds[i] = -1;
		} else if (errno != EPERM || user < 0) {
			nsenter_die(names[i]);
		}
	}
	if (user >= 0) {
		if (setns(fds[user], 0) < 0)
			nsenter_die("user");
		close(fds[user]);
		fds[user] = -1;
	}
	for (int i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		if (setns(fds[i], 0) < 0)
			nsenter_die(names[i]);
		close(fds[i]);
	}
}

// enter enters the container whose init is "pid" and runs the command.
static void enter(int argc, char **argv) {
	const char *pid = nsenter_param("pid"), *start = nsenter_param("start");
	if (argc < 2 || start == NULL)
		nsenter_fail(125, "exec: no command");
	nsenter_read_confinement();
	static char defaults[] = "ipc,uts,net,pid,mnt";
	char *list = nsenter_param("ns"), *names[MAX_NS];
	int fds[MAX_NS];
	int n = open_namespaces(pid, list ? list : defaults, fds, names);
	// The namespaces opened are those of the container's init, not of a
	// process that took its pid since: it still has the recorded start.
	if (start_time(pid) != strtoull(start, NULL, 10))
		nsenter_fail(125, "exec: the container is not running");
	nsenter_set_oom_score_adj();
	nsenter_open_host_proc();
	nsenter_initial_affinity();
	char *cgroups = nsenter_param("cgroups");
	if (cgroups != NULL && *cgroups != 0)
		join_cgroups(cgroups);
	join_all(fds, names, n);
	const char *report = nsenter_param("report");
	int report_fd = report ? atoi(report) : -1;
	child = fork();
	if (child < 0)
		nsenter_die("fork");
	if (child == 0)
		run(argv, report_fd);
	// Reported, we are done: the command is reparented to the caller, a
	// subreaper (mydocker-runc exec, or the shim that ran it).
	if (report_fd >= 0) {
		nsenter_report_pid(child);
		_exit(0);
	}
	int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	struct sigaction sa = {.sa_sigaction = forward, .sa_flags = SA_SIGINFO | SA_RESTART};
	for (int i = 0; i < 6; i++)
		sigaction(sigs[i], &sa, NULL);
	int status;
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			nsenter_die("wait");
	if (WIFSIGNALED(status))
		_exit(128 + WTERMSIG(status));
	_exit(WEXITSTATUS(status));
}

// become_root_in_userns makes us root of the user namespace just joined:
// setns keeps our ids, the host's 0, which is not mapped there (files we
// made would have no owner: EOVERFLOW); its 0 is. Its capabilities stay
// ours: we are its root. A namespace whose setgroups is "deny" keeps
// the groups.
static void become_root_in_userns(void) {
	if (setgroups(0, NULL) < 0 && errno != EPERM)
		nsenter_fail(1, "init: clear the groups in the user namespace joined: %s", strerror(errno));
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		nsenter_fail(1, "init: become root of the user namespace joined (is 0 mapped?): %s", strerror(errno));
}

// join_paths joins "join" (TYPE:PATH,...: user first, mnt last), all
// opened before any is joined: once in another mount namespace, a host
// path means something else. No fork: the caller goes on into Go.
static void join_paths(void) {
	char *list = nsenter_param("join"), *save = NULL;
	int fds[MAX_NS], n = 0;
	char *names[MAX_NS];
	for (char *e = list ? strtok_r(list, ",", &save) : NULL; e; e = strtok_r(NULL, ",", &save)) {
		char *path = strchr(e, ':');
		if (path == NULL || n == MAX_NS)
			nsenter_fail(1, "init: bad namespace entry %s", e);
		*path++ = 0;
		names[n] = e;
		if ((fds[n++] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			nsenter_fail(1, "init: open namespace %s: %s", path, strerror(errno));
	}
	for (int i = 0; i < n; i++) {
		if (setns(fds[i], 0) < 0)
			nsenter_fail(1, "init: join namespace %s: %s", names[i], strerror(errno));
		close(fds[i]);
		if (strcmp(names[i], "user") == 0)
			become_root_in_userns();
	}
}

// unshare_after_join makes the new namespaces of "unshare" (flags in
// decimal), after join_paths: in the user namespace joined, which then
// owns them (mount propagation, sethostname need its rights over them).
// It returns the flags.
static int unshare_after_join(void) {
	const char *flags = nsenter_param("unshare");
	if (flags == NULL || *flags == 0)
		return 0;
	int f = (int)strtol(flags, NULL, 10);
	if (unshare(f) < 0)
		nsenter_fail(1, "init: make the namespaces in the user namespace joined: %s", strerror(errno));
	return f;
}

// fork_init makes init, once a new pid namespace is made by unshare:
// that holds our children only, so init is our first child there (pid 1).
// CLONE_PARENT makes it mydocker-runc's child, as we are, which waits for
// it in the foreground; we report its pid on the report pipe and exit.
static void fork_init(void) {
	const char *report = nsenter_param("report");
	if (report == NULL)
		nsenter_fail(1, "init: a new pid namespace needs the report pipe");
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
	if (pid < 0)
		nsenter_fail(1, "init: fork into the new pid namespace: %s", strerror(errno));
	if (pid > 0) {
		nsenter_report_pid(pid);
		_exit(0);
	}
	// init: the pipe is mydocker-runc's to read to its end once we exit,
	// our failures go to stderr again, and a session of its own, whose
	// leader takes the terminal (console.go).
	close(atoi(report));
	nsenter_report_to(-1);
	if (setsid() < 0)
		nsenter_fail(1, "init: setsid: %s", strerror(errno));
}

// glibc hands a constructor main's argc and argv.
__attribute__((constructor)) static void nsenter(int argc, char **argv) {
	const char *fd = getenv("_MYDOCKER_NSENTER_CONFIG_FD");
	if (fd == NULL)
		return;
	nsenter_read_config(atoi(fd) > 2 ? atoi(fd) : -1);
	const char *report = nsenter_param("report");
	if (report != NULL) {
		int r = atoi(report);
		if (r < 3 || fcntl(r, F_SETFD, FD_CLOEXEC) < 0)
			nsenter_fail(125, "exec: bad configuration: report");
		nsenter_report_to(r);
	}
	// Non-dumpable before anything is joined, and so the child that
	// enters the container: our /proc/PID/exe, fd and mem are refused to
	// the container's processes, which have no CAP_SYS_PTRACE over us
	// (CVE-2019-5736; the binary itself is sealed, oci/exeseal.go).
	// Nothing restores it but the command's execve: the kernel makes an
	// execve of a readable, non-setuid file by unchanged credentials
	// dumpable again (SUID_DUMP_USER; begin_new_exec in fs/exec.c).
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		nsenter_die("make us non-dumpable");
	if (nsenter_param("pid") == NULL) {
		join_paths();
		int made = unshare_after_join();
		// Before the fork: init is born into the time namespace, whose
		// offsets are written before any process is in it.
		nsenter_new_time_ns();
		if (made & CLONE_NEWPID)
			fork_init();
		return;
	}
	enter(argc, argv);
}
