// The configuration, read from the descriptor: parameters (KEY=VALUE) up
// to an empty string, then the command's environment, each string ended
// by a NUL (config.go writes it); and where failures are said.
#include "nsenter.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_CONFIG (8 << 20)
#define MAX_PARAMS 48
static char *keys[MAX_PARAMS], *values[MAX_PARAMS];
static int nparams;
char **nsenter_env;

// Failures go to stderr, after the program's name, or to the report
// pipe of a caller that reads them (mydocker-runc exec).
static int report_fd = -1;

void nsenter_report_to(int fd) {
	report_fd = fd;
}

void nsenter_report_pid(int pid) {
	if (dprintf(report_fd, "pid %d\n", pid) < 0)
		_exit(125);
}

void nsenter_fail(int code, const char *fmt, ...) {
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (report_fd >= 0) {
		dprintf(report_fd, "error %s\n", msg);
	} else {
		const char *prog = nsenter_param("prog");
		fprintf(stderr, "%s: %s\n", prog ? prog : "mydocker", msg);
	}
	_exit(code);
}

void nsenter_die(const char *what) {
	nsenter_fail(125, "exec: %s: %s", what, strerror(errno));
}

static void bad_config(const char *why) {
	nsenter_fail(125, "exec: bad configuration: %s", why);
}

char *nsenter_param(const char *key) {
	for (int i = 0; i < nparams; i++)
		if (strcmp(keys[i], key) == 0)
			return values[i];
	return NULL;
}

int nsenter_flag(const char *key) {
	const char *v = nsenter_param(key);
	return v != NULL && strcmp(v, "1") == 0;
}

// read_whole reads fd to its end with read(2), and closes it: nothing of
// it reaches the command.
static char *read_whole(int fd, size_t *len) {
	size_t size = 1 << 16;
	char *buf = malloc(size);
	*len = 0;
	for (;;) {
		if (buf == NULL)
			nsenter_die("read the configuration");
		if (*len == size) {
			if (size >= MAX_CONFIG)
				bad_config("too large");
			size *= 2;
			buf = realloc(buf, size);
			continue;
		}
		ssize_t n = read(fd, buf + *len, size - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			nsenter_die("read the configuration");
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	close(fd);
	return buf;
}

void nsenter_read_config(int fd) {
	size_t len;
	char *buf = read_whole(fd, &len);
	if (len == 0 || buf[len - 1] != 0)
		bad_config("not NUL-terminated");
	char *p = buf, *end = buf + len;
	for (; p < end && *p != 0; p += strlen(p) + 1) {
		char *eq = strchr(p, '=');
		if (eq == NULL || nparams == MAX_PARAMS)
			bad_config("parameter");
		*eq = 0;
		keys[nparams] = p;
		values[nparams++] = eq + 1;
		p = eq + 1;
	}
	if (p < end)
		p++; // the empty string that ends the parameters
	size_t n = 0;
	for (char *q = p; q < end; q += strlen(q) + 1)
		n++;
	nsenter_env = calloc(n + 1, sizeof *nsenter_env);
	if (nsenter_env == NULL)
		nsenter_die("read the configuration");
	for (size_t i = 0; i < n; p += strlen(p) + 1)
		nsenter_env[i++] = p;
}
