package oci

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/checkpoint-restore/go-criu/v8/rpc"
	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

// criu.go drives CRIU (checkpoint/restore in userspace) as runc does:
// `criu swrk 3` serves one request on a seqpacket socket (its fd 3),
// answers with notifications we act on, then with the result. The
// messages are go-criu's (criu's rpc.proto); the driver is ours, because
// we must choose criu's stdio (a restored container inherits its pipes
// from them), learn criu's pid before the request (restore puts criu into
// the container's cgroup first), and take the descriptor a notification
// carries (the terminal's master).

// criuCall is one request to CRIU.
type criuCall struct {
	req *rpc.CriuReq
	// stdio are criu's fds 0-2; nil is /dev/null.
	stdio [3]*os.File
	// extra are criu's fds from 4 on (namespaces it inherits).
	extra []*os.File
	// logFile is where criu logs (work dir or image dir): its errors
	// become ours.
	logFile string
	// started runs with criu's pid before the request is sent.
	started func(pid int) error
	// notify answers a notification; fd is the descriptor it carried, or -1.
	notify func(script string, pid int, fd int) error
}

// criuBinary is CRIU's path, or an error that says how to get it.
func criuBinary() (string, error) {
	path, err := exec.LookPath("criu")
	if err != nil {
		return "", errors.New("checkpoint and restore need CRIU, which is not installed (Debian: apt-get install criu)")
	}
	return path, nil
}

// criuVersion is criu's version as one number, 30171 for 3.17.1.
func criuVersion() (int, error) {
	t := rpc.CriuReqType_VERSION
	resp, err := criuCall{req: &rpc.CriuReq{Type: &t}}.run()
	if err != nil {
		return 0, fmt.Errorf("ask CRIU its version: %w", err)
	}
	v := resp.GetVersion()
	return int(v.GetMajorNumber())*10000 + int(v.GetMinorNumber())*100 + int(v.GetSublevel()), nil
}

// run starts criu, sends the request, answers its notifications and
// returns its final answer; an answer that is not a success is an error
// with the lines of criu's log that say why.
func (call criuCall) run() (*rpc.CriuResp, error) {
	path, err := criuBinary()
	if err != nil {
		return nil, err
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("make criu's socket: %w", err)
	}
	ours, theirs := os.NewFile(uintptr(fds[0]), "criu-client"), os.NewFile(uintptr(fds[1]), "criu-server")
	defer ours.Close()
	cmd := exec.Command(path, "swrk", "3")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = call.stdio[0], call.stdio[1], call.stdio[2]
	cmd.ExtraFiles = append([]*os.File{theirs}, call.extra...)
	err = cmd.Start()
	theirs.Close()
	if err != nil {
		return nil, fmt.Errorf("start criu: %w", err)
	}
	resp, err := call.talk(ours, cmd.Process.Pid)
	// criu exits once the socket closes; a failure after a good answer
	// is still one.
	_ = unix.Shutdown(fds[0], unix.SHUT_WR)
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, err
	}
	// criu's pre-dump exits non-zero after a good answer (as runc notes).
	if err := cmd.Wait(); err != nil && call.req.GetType() != rpc.CriuReqType_PRE_DUMP {
		return nil, call.failed(fmt.Errorf("criu: %w", err))
	}
	return resp, nil
}

func (call criuCall) talk(conn *os.File, pid int) (*rpc.CriuResp, error) {
	if call.started != nil {
		if err := call.started(pid); err != nil {
			return nil, err
		}
	}
	if err := sendCriu(conn, call.req); err != nil {
		return nil, err
	}
	for {
		resp, fd, err := recvCriu(conn)
		if err != nil {
			return nil, call.failed(err)
		}
		if !resp.GetSuccess() {
			if fd >= 0 {
				unix.Close(fd)
			}
			return nil, call.failed(fmt.Errorf("criu %s failed%s%s", strings.ToLower(call.req.GetType().String()),
				errnoText(resp.GetCrErrno()), suffix(": ", resp.GetCrErrmsg())))
		}
		if resp.GetType() != rpc.CriuReqType_NOTIFY {
			return resp, nil
		}
		n := resp.GetNotify()
		logrus.WithFields(logrus.Fields{"script": n.GetScript(), "pid": n.GetPid()}).Debug("criu: notification")
		var nerr error
		if call.notify != nil {
			nerr = call.notify(n.GetScript(), int(n.GetPid()), fd)
		} else if fd >= 0 {
			unix.Close(fd)
		}
		t, ok := rpc.CriuReqType_NOTIFY, nerr == nil
		if err := sendCriu(conn, &rpc.CriuReq{Type: &t, NotifySuccess: &ok}); err != nil {
			return nil, err
		}
		if nerr != nil {
			return nil, fmt.Errorf("criu's %s: %w", n.GetScript(), nerr)
		}
	}
}

func sendCriu(conn *os.File, req *rpc.CriuReq) error {
	data, err := req.MarshalVT()
	if err != nil {
		return fmt.Errorf("encode the request to criu: %w", err)
	}
	if _, err := conn.Write(data); err != nil {
		return fmt.Errorf("send criu the request: %w", err)
	}
	return nil
}

// recvCriu reads one answer and the descriptor it may carry (-1 if none).
func recvCriu(conn *os.File) (*rpc.CriuResp, int, error) {
	buf, oob := make([]byte, 10*4096), make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := unix.Recvmsg(int(conn.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return nil, -1, fmt.Errorf("read criu's answer: %w", err)
	}
	if n == 0 {
		return nil, -1, errors.New("criu exited without an answer")
	}
	fd := -1
	if oobn > 0 {
		if msgs, err := unix.ParseSocketControlMessage(oob[:oobn]); err == nil && len(msgs) > 0 {
			if fds, err := unix.ParseUnixRights(&msgs[0]); err == nil && len(fds) > 0 {
				fd = fds[0]
			}
		}
	}
	resp := &rpc.CriuResp{}
	if err := resp.UnmarshalVT(buf[:n]); err != nil {
		if fd >= 0 {
			unix.Close(fd)
		}
		return nil, -1, fmt.Errorf("decode criu's answer: %w", err)
	}
	return resp, fd, nil
}

// failed adds to err the error lines of criu's log, which say what went
// wrong (criu's answer gives only an errno), and where the log is.
func (call criuCall) failed(err error) error {
	if call.logFile == "" {
		return err
	}
	lines := criuLogErrors(call.logFile, 3)
	if len(lines) == 0 {
		return fmt.Errorf("%w (log: %s)", err, call.logFile)
	}
	return fmt.Errorf("%w: %s (log: %s)", err, strings.Join(lines, "; "), call.logFile)
}

// criuLogErrors is the last n lines of the log that report an error.
func criuLogErrors(path string, n int) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "(00.039650) Error (criu/vdso.c:381): vdso: ...": the time goes.
		if _, msg, ok := strings.Cut(sc.Text(), "Error ("); ok {
			lines = append(lines, "Error ("+strings.TrimSpace(msg))
		}
	}
	return lines[max(0, len(lines)-n):]
}

func errnoText(errno int32) string {
	if errno == 0 {
		return ""
	}
	return fmt.Sprintf(" (%v)", unix.Errno(errno))
}

func suffix(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

// openImageDir makes (0700, as runc) and opens a directory criu reads or
// writes; criu is given its number in our fd table.
func openImageDir(path string, create bool) (*os.File, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if create {
		if err := os.MkdirAll(abs, 0o700); err != nil {
			return nil, fmt.Errorf("make %s: %w", abs, err)
		}
	}
	// criu opens /proc/<our pid>/fd/N: it reads our table, not its own.
	fd, err := unix.Open(abs, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", abs, err)
	}
	return os.NewFile(uintptr(fd), abs), nil
}
