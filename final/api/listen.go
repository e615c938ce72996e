package api

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DefaultHost is where the server listens unless told: docker's socket
// path, with mydocker's name.
const DefaultHost = "unix:///run/mydocker.sock"

// ListenOptions say who may connect, beyond root.
type ListenOptions struct {
	// Group, a name or a number, may use a unix socket: it is made 0660
	// and that group's, as docker's socket is the docker group's.
	Group string
	// TLS is required on TCP: the server's certificate and key, and the
	// CA that clients' certificates must be signed by.
	TLSCert, TLSKey, TLSCACert string
}

// Listen opens what host names: unix:///path (0600, or 0660 for
// opts.Group), fd:// (the sockets systemd passed, socket activation), or
// tcp://HOST:PORT with TLS and client certificates, never without: the
// API is root on this host, and TCP reaches past its users.
func Listen(host string, opts ListenOptions) (net.Listener, error) {
	switch {
	case strings.HasPrefix(host, "unix://"):
		return listenUnix(strings.TrimPrefix(host, "unix://"), opts.Group)
	case host == "fd://" || strings.HasPrefix(host, "fd://"):
		return listenActivated(strings.TrimPrefix(host, "fd://"))
	case strings.HasPrefix(host, "tcp://"):
		return listenTLS(strings.TrimPrefix(host, "tcp://"), opts)
	}
	return nil, fmt.Errorf("--host %q: want unix:///absolute/path.sock, fd:// or tcp://HOST:PORT (with --tlscacert, --tlscert and --tlskey)", host)
}

// listenUnix makes the socket at path, 0600 root's, or 0660 with group.
func listenUnix(path, group string) (net.Listener, error) {
	if !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("--host unix://%s: want an absolute path, unix:///path.sock", path)
	}
	gid := -1
	if group != "" {
		var err error
		if gid, err = lookupGroup(group); err != nil {
			return nil, err
		}
	}
	if err := removeStaleSocket(path); err != nil {
		return nil, err
	}
	// The umask makes the socket 0600 (0660) from its first moment: a
	// chmod after bind would leave a window in which anyone could
	// connect. The group is given after, and root's group until then
	// lets nobody new in.
	mask := 0o177
	if gid >= 0 {
		mask = 0o117
	}
	old := syscall.Umask(mask)
	l, err := net.Listen("unix", path)
	syscall.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	if gid >= 0 {
		if err := os.Lchown(path, 0, gid); err != nil {
			l.Close()
			return nil, fmt.Errorf("give %s to group %s: %w", path, group, err)
		}
	}
	return l, nil
}

// lookupGroup is a group's id from its name or number.
func lookupGroup(group string) (int, error) {
	if id, err := strconv.Atoi(group); err == nil && id >= 0 {
		return id, nil
	}
	g, err := user.LookupGroup(group)
	if err != nil {
		return 0, fmt.Errorf("--group %s: %w", group, err)
	}
	return strconv.Atoi(g.Gid)
}

// removeStaleSocket removes a socket that a server killed before it could
// clean up left at path; a live server's socket, or a file that is no
// socket, is refused rather than taken over.
func removeStaleSocket(path string) error {
	info, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--host %s: %w", path, err)
	}
	if info.Mode()&os.ModeSocket == 0 {
		return fmt.Errorf("--host %s: a file that is not a socket is there already", path)
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return fmt.Errorf("--host %s: another server listens there already", path)
	}
	return os.Remove(path)
}

// listenTLS listens on addr with TLS 1.2 or later, and takes a client
// only with a certificate that the CA signed (docker's --tlsverify).
func listenTLS(addr string, opts ListenOptions) (net.Listener, error) {
	if opts.TLSCert == "" || opts.TLSKey == "" || opts.TLSCACert == "" {
		return nil, fmt.Errorf("--host tcp://%s: TCP needs TLS with client certificates: give --tlscacert, --tlscert and --tlskey (or listen on unix:///path.sock)", addr)
	}
	cert, err := tls.LoadX509KeyPair(opts.TLSCert, opts.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("--tlscert %s, --tlskey %s: %w", opts.TLSCert, opts.TLSKey, err)
	}
	pem, err := os.ReadFile(opts.TLSCACert)
	if err != nil {
		return nil, fmt.Errorf("--tlscacert: %w", err)
	}
	cas := x509.NewCertPool()
	if !cas.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--tlscacert %s: no PEM certificate in it", opts.TLSCACert)
	}
	l, err := tls.Listen("tcp", addr, &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientCAs:    cas,
		ClientAuth:   tls.RequireAndVerifyClientCert,
		MinVersion:   tls.VersionTLS12,
	})
	if err != nil {
		return nil, fmt.Errorf("listen on tcp://%s: %w", addr, err)
	}
	return l, nil
}
