// Package signals reads the signal a user names on a command line, for
// both CLIs: mydocker kill -s and mydocker-runc kill take the same
// spellings, as docker and runc do: a number from 1 to 64, a name with or
// without SIG in any case (KILL, SIGTERM, hup), or a real-time signal
// counted from either end (RTMIN, RTMIN+3, SIGRTMAX-1), as systemd's
// stop signal SIGRTMIN+3 is written in images. It also passes the
// signals a monitor or an exec receives on to the process it waits for
// (Forwarded, Forward) and turns that process's end into a shell's exit
// status (ExitStatus): run's monitor and exec both wait that way.
package signals
