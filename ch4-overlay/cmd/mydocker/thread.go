package main

import "runtime"

// The container's init ends in execve(2), which Go may make from any of
// its threads. Locked here, before main runs, the main goroutine (which
// runs every command's action) stays on the process's first thread, so
// init's execve is made by the thread that made its own: a tool that
// counts a process's system calls per thread, as strace -e inject does in
// the tests that kill init before its command starts, sees both as that
// process's, and kills the right one.
func init() { runtime.LockOSThread() }
