// The confinement of the command, as the container's init applies its
// own (container/confine.go, oci/init.go): capabilities, rlimits, the
// OOM score, no_new_privs and the seccomp program, in the order the
// kernel forces.
#include "nsenter.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

// The capability sets as 64-bit masks. mydocker exec gives one mask
// ("caps"): the bounding set, and the effective and permitted ones for
// root only. mydocker-runc exec gives the process's five sets.
static struct {
	unsigned long long bounding, effective, permitted, inheritable, ambient;
} caps;
static int confined, one_mask, no_new_privs;
static struct sock_filter *seccomp_prog;
static unsigned short seccomp_len;

int nsenter_confined(void) {
	return confined;
}

static unsigned long long mask(const char *key) {
	const char *v = nsenter_param(key);
	return v ? strtoull(v, NULL, 16) : 0;
}

// read_seccomp reads the program from the file the parameter "seccomp"
// names, or from the descriptor "seccompfd": while the host's paths and
// our descriptors are still in reach.
static void read_seccomp(void) {
	const char *path = nsenter_param("seccomp"), *fdv = nsenter_param("seccompfd");
	int fd;
	if (fdv != NULL && *fdv != 0)
		fd = atoi(fdv);
	else if (path != NULL && *path != 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	else
		return;
	if (fd < 3)
		nsenter_die("open the seccomp program");
	static struct sock_filter prog[BPF_MAXINSNS];
	ssize_t n = read(fd, prog, sizeof prog);
	char more;
	// A longer program than the kernel loads is refused, never cut.
	ssize_t extra = n == sizeof prog ? read(fd, &more, 1) : 0;
	close(fd);
	if (n <= 0 || n % sizeof(struct sock_filter) != 0 || extra != 0)
		nsenter_die("read the seccomp program");
	seccomp_prog = prog;
	seccomp_len = (unsigned short)(n / sizeof(struct sock_filter));
}

void nsenter_read_confinement(void) {
	if (nsenter_param("caps") != NULL) {
		one_mask = 1;
		caps.bounding = caps.effective = caps.permitted = mask("caps");
	} else if (nsenter_param("capb") != NULL) {
		caps.bounding = mask("capb");
		caps.effective = mask("cape");
		caps.permitted = mask("capp");
		caps.ambient = mask("capa");
		// The kernel raises an ambient capability only if it is
		// inheritable too (as runc and crun do, they are made so).
		caps.inheritable = mask("capi") | caps.ambient;
	} else {
		return;
	}
	confined = 1;
	no_new_privs = nsenter_flag("nnp");
	read_seccomp();
}

// nsenter_set_oom_score_adj writes the process's OOM score, inherited
// by the child: in our own /proc, the host's, before any namespace.
void nsenter_set_oom_score_adj(void) {
	const char *v = nsenter_param("oom");
	if (v == NULL || *v == 0)
		return;
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, v, strlen(v)) < 0)
		nsenter_die("set oom_score_adj");
	close(fd);
}

// nsenter_set_rlimits sets "rlimits" (RESOURCE:SOFT:HARD,...): while we
// may still raise them (CAP_SYS_RESOURCE).
void nsenter_set_rlimits(void) {
	char *v = nsenter_param("rlimits"), *save = NULL;
	if (v == NULL)
		return;
	for (char *r = strtok_r(v, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
		char *end;
		int resource = (int)strtol(r, &end, 10);
		struct rlimit lim;
		lim.rlim_cur = strtoull(end + 1, &end, 10);
		lim.rlim_max = strtoull(end + 1, &end, 10);
		if (setrlimit(resource, &lim) < 0)
			nsenter_die("set an rlimit");
	}
}

// nsenter_drop_bounding keeps in the bounding set only the process's
// capabilities: before the user switch, while we have CAP_SETPCAP.
void nsenter_drop_bounding(void) {
	for (int cap = 0; cap <= 63; cap++) {
		if (caps.bounding & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			nsenter_die("drop a capability from the bounding set");
	}
}

// nsenter_set_capabilities sets every set exactly, after the user
// switch (which kept them: PR_SET_KEEPCAPS).
void nsenter_set_capabilities(void) {
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2] = {{0}};
	unsigned long long eff = caps.effective, perm = caps.permitted;
	if (one_mask && getuid() != 0)
		eff = perm = 0;
	data[0].effective = (unsigned int)eff;
	data[1].effective = (unsigned int)(eff >> 32);
	data[0].permitted = (unsigned int)perm;
	data[1].permitted = (unsigned int)(perm >> 32);
	data[0].inheritable = (unsigned int)caps.inheritable;
	data[1].inheritable = (unsigned int)(caps.inheritable >> 32);
	if (syscall(SYS_capset, &hdr, data) < 0)
		nsenter_die("set the capabilities");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		nsenter_die("clear the ambient capabilities");
	for (int cap = 0; cap <= 63; cap++)
		if ((caps.ambient & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			nsenter_die("raise an ambient capability");
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
}

static void load_seccomp(void) {
	if (seccomp_prog == NULL)
		return;
	struct sock_fprog fprog = {.len = seccomp_len, .filter = seccomp_prog};
	// seccomp(2) rather than prctl: it takes the filter's flags.
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned int)mask("seccompflags"), &fprog) < 0)
		nsenter_die("load the seccomp filter");
}

// Without no_new_privs, only a holder of CAP_SYS_ADMIN may load a filter:
// then it is loaded first, while we are root (as in init).
void nsenter_early_seccomp(void) {
	if (!no_new_privs)
		load_seccomp();
}

// nsenter_lock_down sets no_new_privs and loads the seccomp program: the
// last steps before execvp, as in init.
void nsenter_lock_down(void) {
	if (!no_new_privs)
		return;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		nsenter_die("set no_new_privs");
	load_seccomp();
}
