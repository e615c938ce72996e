// What the constructor's files share: the configuration (config.c), the
// confinement (confine.c) and the entering itself (enter.c).
#ifndef MYDOCKER_NSENTER_H
#define MYDOCKER_NSENTER_H

#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

// nsenter_param is the value of a parameter of the configuration, or NULL.
char *nsenter_param(const char *key);
// nsenter_flag says whether a parameter is "1".
int nsenter_flag(const char *key);
// nsenter_env is the command's environment, NULL-terminated.
extern char **nsenter_env;
void nsenter_read_config(int fd);
// nsenter_report_to makes failures go to fd (exec's report pipe) instead
// of stderr.
void nsenter_report_to(int fd);
void nsenter_report_pid(int pid);

// nsenter_fail says what failed and exits with code; nsenter_die adds
// errno's text and exits 125. Nothing has then run.
void nsenter_fail(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void nsenter_die(const char *what) __attribute__((noreturn));

void nsenter_read_confinement(void);
int nsenter_confined(void);
void nsenter_early_seccomp(void);
void nsenter_set_rlimits(void);
void nsenter_drop_bounding(void);
void nsenter_set_capabilities(void);
void nsenter_lock_down(void);
void nsenter_set_oom_score_adj(void);
void nsenter_initial_affinity(void);
void nsenter_final_affinity(void);
void nsenter_new_time_ns(void);
void nsenter_open_host_proc(void);
void nsenter_set_scheduler(void);
void nsenter_set_ioprio(void);
void nsenter_set_mempolicy(void);
void nsenter_apply_apparmor(void);

#endif
