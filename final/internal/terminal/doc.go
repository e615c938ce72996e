// Package terminal makes the pseudo-terminals of both runtimes, -t of
// mydocker run and exec, and --console-socket / process.terminal of
// mydocker-runc, from a container's own devpts: Open finds its ptmx inside
// a root directory, with every symlink kept inside, checks it is the pty
// multiplexer before opening it, and takes the other end from the master
// (TIOCGPTPEER), never by a /dev/pts/N name the container could have
// replaced; SetSize sizes it; Take makes it a process's stdio and
// controlling terminal. Passing the master on and raw mode on the
// caller's side stay with each runtime: their protocols differ.
package terminal
