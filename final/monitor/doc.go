// Package monitor is the process protocol of a container's monitor, the
// "mydocker monitor" process that is a container's parent for its whole
// life (container.Monitor and container.MonitorStart are what it runs):
// Start re-executes a binary as the monitor, in a session of its own, and
// hands it a Request on fd 3; Serve, which that binary's hidden "monitor"
// command calls, reads the Request, lets go of every descriptor it was not
// meant to keep, starts the container and writes on fd 4 how the start
// went: the container's ID, or why it failed with the exit status that
// failure has (125; 126 or 127 when the command cannot run). With Attach,
// fd 5 is one end of a socket pair whose other end Start returns, on
// which container.Stream shows the container's stdio from its first byte.
// The package imports container and state, and nothing imports it but
// the CLI: a library user starts a monitored container with Start and a
// main that calls Serve, as runc's libcontainer owns its init's protocol.
package monitor
