package main

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// passedFiles are the descriptors, from 3 on, that the container's
// program gets, as runc passes them: with listen (create, run) those of
// socket activation first, when $LISTEN_PID is ours (systemd started us
// with $LISTEN_FDS sockets); then --preserve-fds more. listened is how
// many are activation's.
func passedFiles(preserve int64, listen bool) (files []*os.File, listened int, err error) {
	if preserve < 0 {
		return nil, 0, fmt.Errorf("--preserve-fds %d: want 0 or more", preserve)
	}
	if listen {
		listened = listenFDs()
	}
	n := listened + int(preserve)
	for fd := 3; fd < 3+n; fd++ {
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			if fd < 3+listened {
				return nil, 0, fmt.Errorf("unable to stat LISTEN_FDS fd %d: %w", fd, err)
			}
			return nil, 0, fmt.Errorf("unable to stat preserved-fd %d (of %d): %w", fd-3-listened, preserve, err)
		}
		files = append(files, os.NewFile(uintptr(fd), "passed fd "+strconv.Itoa(fd)))
	}
	return files, listened, nil
}

// listenFDs is $LISTEN_FDS when $LISTEN_PID is our pid (sd_listen_fds).
func listenFDs() int {
	pid, err := strconv.Atoi(os.Getenv("LISTEN_PID"))
	if err != nil || pid != os.Getpid() {
		return 0
	}
	n, err := strconv.Atoi(os.Getenv("LISTEN_FDS"))
	if err != nil || n < 0 {
		return 0
	}
	return n
}
