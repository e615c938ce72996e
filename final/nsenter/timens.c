// A new time namespace for mydocker-runc's init (linux.timeOffsets): made
// here, single-threaded, before the Go runtime starts, with its offsets
// written before any process is in it (the kernel freezes them then).
// Init stays in the runtime's; its children and its own execve of the
// container's program enter the new one (time_for_children; the execve
// switch is Linux 6.0's).
#define _GNU_SOURCE
#include "nsenter.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

// nsenter_new_time_ns makes it when the parameter "timens" is there: its
// value is the offsets, "CLOCKID SECS NANOSECS" entries separated by ','
// (checked by mydocker-runc).
void nsenter_new_time_ns(void) {
	char *offsets = nsenter_param("timens");
	if (offsets == NULL)
		return;
	if (unshare(CLONE_NEWTIME) < 0)
		nsenter_fail(1, "init: make the time namespace: %s", strerror(errno));
	if (*offsets == 0)
		return;
	int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		nsenter_fail(1, "init: open /proc/self/timens_offsets: %s", strerror(errno));
	char *save = NULL;
	for (char *e = strtok_r(offsets, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		if (write(fd, e, strlen(e)) < 0)
			nsenter_fail(1, "init: write the time offset \"%s\": %s", e, strerror(errno));
	}
	close(fd);
}
