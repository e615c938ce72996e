package nsenter

// The C is in enter.c (the constructor), config.c (the configuration it
// reads), confine.c (capabilities, rlimits, seccomp) and procattrs.c
// (scheduler, I/O priority, AppArmor).
//
// Why a descriptor and not our environment: the container's environment
// is the container's (an image's ENV, a bundle's process.env), and as
// ours it would be read by the host's dynamic loader (LD_PRELOAD,
// LD_DEBUG) and by this code while we are still root on the host; the
// command gets it only at its execvp, in the container. The namespaces
// are opened while /proc is the host's and checked to be those of the
// container's init (its start time), not of a process that took its pid
// since; every call is checked, and on any failure nothing has run: exit
// 125 (126 or 127 when the command cannot be run), where the book's
// version ran the command on the host when the container was gone.

// #cgo CFLAGS: -Wall -Werror
import "C"

// EnvConfigFd is the one variable of the fixed environment that exec
// starts this binary with: the constructor reads its configuration from
// the descriptor it names, ConfigFd (ExtraFiles[0]) for exec.
const (
	EnvConfigFd = "_MYDOCKER_NSENTER_CONFIG_FD"
	ConfigFd    = 3
)

// The constructor's parameters (ConfigFile). To enter a container: the
// pid and start time of its init, the namespaces to join (names under
// /proc/PID/ns, in order: user first, mnt last; ipc,uts,net,pid,mnt when
// not given) and its cgroup directories (':'-separated). Who the command
// runs as and where: numbers resolved by the caller (groups
// comma-separated; given but empty, none), the umask in decimal. Its
// confinement: one capability mask in hex (mydocker: bounding, and
// effective and permitted for root), or the five sets (mydocker-runc), no_new_privs
// ("1"), the seccomp program from a file or an inherited descriptor,
// rlimits (RESOURCE:SOFT:HARD,...) and oom_score_adj. Its session:
// setsid, and stdin as its controlling terminal. Report: a descriptor to
// write "pid N" and "error MSG" lines to, and exit once the command is
// forked. Preserve: how many descriptors from 3 on the command keeps
// (mydocker-runc exec --preserve-fds). Prog: the name errors are said
// under on stderr.
//
// Without a pid, the constructor only joins Join (TYPE:PATH,...) and
// returns: mydocker-runc's init, for a bundle's namespaces by path.
const (
	ParamPID       = "pid"
	ParamStart     = "start"
	ParamNS        = "ns"
	ParamCgroups   = "cgroups"
	ParamUID       = "uid"
	ParamGID       = "gid"
	ParamGroups    = "groups"
	ParamUmask     = "umask"
	ParamCwd       = "cwd"
	ParamCaps      = "caps"
	ParamCapBnd    = "capb"
	ParamCapEff    = "cape"
	ParamCapPrm    = "capp"
	ParamCapInh    = "capi"
	ParamCapAmb    = "capa"
	ParamNNP       = "nnp"
	ParamSeccomp   = "seccomp"
	ParamSeccompFd = "seccompfd"
	// ParamSeccompFlags are seccomp(2)'s filter flags for the program, in
	// hex (SECCOMP_FILTER_FLAG_LOG...).
	ParamSeccompFlags = "seccompflags"
	ParamRlimits      = "rlimits"
	ParamOOM          = "oom"
	ParamSetsid       = "setsid"
	ParamCtty         = "ctty"
	ParamReport       = "report"
	ParamPreserve     = "preserve"
	ParamProg         = "prog"
	ParamJoin         = "join"
	// ParamCPUInitial and ParamCPUFinal are CPU lists ("0-3,7"; "all"):
	// the affinity before the cgroup is joined, and the command's.
	ParamCPUInitial = "cpuinitial"
	ParamCPUFinal   = "cpufinal"
	// ParamSched is sched_setattr(2)'s attributes for the command
	// ("POLICY:FLAGS:NICE:PRIORITY:RUNTIME:DEADLINE:PERIOD"), ParamIOPrio
	// its I/O priority as ioprio_set(2) takes it, ParamAppArmor the
	// AppArmor profile it is to change to at its execve.
	ParamSched    = "sched"
	ParamIOPrio   = "ioprio"
	ParamAppArmor = "apparmor"
	// ParamTimeNS has init's constructor make a time namespace, with the
	// offsets given ("1 5 0,7 86400 0": clock id, seconds, nanoseconds; empty: none).
	ParamTimeNS = "timens"
	// ParamUnshare has init's constructor make new namespaces (unshare(2)
	// flags, in decimal) once it has joined those by path: new namespaces
	// are owned by the user namespace of their maker, and a container
	// that joins another's must own its mount and UTS namespaces there.
	ParamUnshare = "unshare"
	// ParamMemPolicy is exec's child's NUMA memory policy,
	// set_mempolicy(2)'s mode with its flags and the nodes: "MODE:0,1".
	ParamMemPolicy = "mempolicy"
)
