// Package monitor is a container's monitor process, the "mydocker
// monitor" process that is a container's parent for its whole life: its
// protocol and its life. Start re-executes a binary as the monitor, in a
// session of its own, and hands it a Request on fd 3; Serve, which that
// binary's hidden "monitor" command calls (or cmd/mydocker-monitor, the
// small static binary mydocker prefers), reads the Request, lets go of
// every descriptor it was not meant to keep, and runs Monitor (a new
// container) or MonitorStart (one made by create, or exited), which
// write on fd 4 how the start went: the container's ID, or why it failed
// with the exit status that failure has (125; 126 or 127 when the command
// cannot run). Then the monitor stays: in a cgroup of its own, it holds
// the container's stdio (a hub of pipes or a terminal), writes its log
// in docker's json-file shape, serves the attach socket, and applies
// --restart, while package container's Run and StartAgain, which it
// calls, create, start, watch and tear down each run. Attach and Stream
// are the client's side of the attach socket, which the CLI runs; with
// Start's Attach, fd 5 is one end of a socket pair whose other end Start
// returns, on which Stream shows the container's stdio from its first
// byte. The package imports container and state, and nothing imports it
// but the CLI: a library user starts a monitored container with Start and
// a main that calls Serve, as runc's libcontainer owns its init's
// protocol.
package monitor
