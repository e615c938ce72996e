// Package api serves docker's Engine API on a unix socket (issue 26,
// beyond the book), so that the docker CLI and other programs that speak
// it drive mydocker.
//
// The server is one more client of final/'s library and of the same state
// root as the CLI: it reads the same container records and image store, and
// it starts a container the way the CLI does (a monitor per container), so
// the CLI and the API see the same containers, and the containers keep
// running when the server stops. What needs the CLI's own code paths
// (create's flags, starting a monitor, rmi, image prune, build) it is
// given as Hooks by cmd/mydocker, instead of a second copy of them here.
// Its attach is the monitor's own stream (package monitor) and its exec
// package enter's, carried on the hijacked connection docker's clients
// ask for.
package api
