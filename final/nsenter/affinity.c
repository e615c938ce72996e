// CPU affinity of mydocker-runc exec's process (process.execCPUAffinity,
// as runc 1.3): "cpuinitial" for the constructor before it joins the
// container's cgroup (the child inherits it), "cpufinal" for the command
// just before its execve ("all": every CPU, cut by the kernel to the
// cgroup's cpuset). The lists were checked by mydocker-runc ("0-3,7").
#define _GNU_SOURCE
#include "nsenter.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

static void set_affinity(const char *key) {
	const char *list = nsenter_param(key);
	if (list == NULL || *list == 0)
		return;
	cpu_set_t set;
	CPU_ZERO(&set);
	if (strcmp(list, "all") == 0) {
		memset(&set, 0xff, sizeof set);
	} else {
		const char *p = list;
		while (*p) {
			char *end;
			unsigned long first = strtoul(p, &end, 10), last = first;
			if (*end == '-')
				last = strtoul(end + 1, &end, 10);
			for (unsigned long cpu = first; cpu <= last && cpu < CPU_SETSIZE; cpu++)
				CPU_SET(cpu, &set);
			p = *end == ',' ? end + 1 : end;
			if (end == p && *p != 0)
				nsenter_fail(125, "exec: bad CPU list %s", list);
		}
	}
	if (sched_setaffinity(0, sizeof set, &set) < 0)
		nsenter_die("set the CPU affinity");
}

void nsenter_initial_affinity(void) { set_affinity("cpuinitial"); }

void nsenter_final_affinity(void) { set_affinity("cpufinal"); }
