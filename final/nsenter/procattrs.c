// The scheduler, I/O priority and AppArmor profile of mydocker-runc
// exec's command (process.scheduler, process.ioPriority,
// process.apparmorProfile), as init sets its own (oci/procattrs.go,
// oci/apparmor.go): checked and encoded by mydocker-runc, set here by the
// child on itself, before its capabilities drop (a real-time policy or
// I/O class needs CAP_SYS_NICE or CAP_SYS_ADMIN) and before the seccomp
// filter (which may deny the calls).
#define _GNU_SOURCE
#include "nsenter.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/openat2.h>

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

// sched_setattr(2)'s argument, SCHED_ATTR_SIZE_VER1 (with the
// utilization clamps, 0: the spec has none), as Go's unix.SchedAttr.
struct sched_attr_v1 {
	uint32_t size, policy;
	uint64_t flags;
	int32_t nice;
	uint32_t priority;
	uint64_t runtime, deadline, period;
	uint32_t util_min, util_max;
};

// The host's /proc, opened before any namespace is joined: the child
// writes its AppArmor attribute through it, not through the container's
// /proc, which the container may have made something else
// (CVE-2019-16884).
static int host_proc = -1;

void nsenter_open_host_proc(void) {
	if (nsenter_param("apparmor") == NULL)
		return;
	struct statfs fs;
	host_proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (host_proc < 0 || fstatfs(host_proc, &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC)
		nsenter_fail(125, "exec: /proc is not a procfs");
}

void nsenter_set_scheduler(void) {
	const char *v = nsenter_param("sched");
	if (v == NULL)
		return;
	struct sched_attr_v1 a = {.size = sizeof a};
	unsigned long long flags, runtime, deadline, period;
	if (sscanf(v, "%u:%llu:%d:%u:%llu:%llu:%llu", &a.policy, &flags, &a.nice, &a.priority, &runtime, &deadline,
		   &period) != 7)
		nsenter_fail(125, "exec: bad configuration: sched");
	a.flags = flags;
	a.runtime = runtime;
	a.deadline = deadline;
	a.period = period;
	if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
		nsenter_die("set the scheduler");
}

void nsenter_set_ioprio(void) {
	const char *v = nsenter_param("ioprio");
	if (v == NULL)
		return;
	const int who_process = 1; // IOPRIO_WHO_PROCESS; who 0 is the caller
	if (syscall(SYS_ioprio_set, who_process, 0, atoi(v)) < 0)
		nsenter_die("set the I/O priority");
}

// nsenter_set_mempolicy sets linux.memoryPolicy ("MODE:NODE,NODE...",
// checked by mydocker-runc: oci/mempolicy.go) on the child, which then
// executes the command: the policy is the thread's, and execve keeps it.
void nsenter_set_mempolicy(void) {
	char *v = nsenter_param("mempolicy");
	if (v == NULL)
		return;
	enum { max_node = 1024, bits = 8 * sizeof(unsigned long) };
	unsigned long mask[max_node / bits] = {0};
	char *nodes = strchr(v, ':'), *save = NULL;
	if (nodes == NULL)
		nsenter_fail(125, "exec: bad configuration: mempolicy");
	*nodes++ = 0;
	for (char *n = strtok_r(nodes, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
		unsigned long node = strtoul(n, NULL, 10);
		if (node >= max_node)
			nsenter_fail(125, "exec: bad configuration: mempolicy");
		mask[node / bits] |= 1UL << (node % bits);
	}
	if (syscall(SYS_set_mempolicy, atoi(v), mask, (unsigned long)max_node) < 0)
		nsenter_die("set the memory policy");
}

// write_attr writes value to name under the host's /proc, the file
// itself: no symlink but "thread-self", no magic link, no other mount.
static int write_attr(const char *name, const char *value) {
	struct open_how how = {.flags = O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV};
	int fd = (int)syscall(SYS_openat2, host_proc, name, &how, sizeof how);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, value, strlen(value));
	int saved = errno;
	close(fd);
	errno = saved;
	return n < 0 ? -1 : 0;
}

// nsenter_apply_apparmor has the kernel switch the child to the profile
// at its execve, as init does: attr/apparmor/exec, or attr/exec before
// Linux 5.8. A profile the kernel does not know fails: the command does
// not run unconfined.
void nsenter_apply_apparmor(void) {
	const char *profile = nsenter_param("apparmor");
	if (profile == NULL)
		return;
	char value[4096];
	snprintf(value, sizeof value, "exec %s", profile);
	int err = write_attr("thread-self/attr/apparmor/exec", value);
	if (err < 0 && errno == ENOENT)
		err = write_attr("thread-self/attr/exec", value);
	if (err < 0)
		nsenter_fail(125, "exec: apply the AppArmor profile \"%s\" (is it loaded? see aa-status): %s", profile,
			     strerror(errno));
	close(host_proc);
}
