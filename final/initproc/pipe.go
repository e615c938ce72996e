package initproc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mydocker/mydocker/final/overlay"
)

// commandFd is the fd on which init reads its command (ExtraFiles[0]), and
// statusFd the one on which it reports a failure to start it (ExtraFiles[1]).
const (
	commandFd = 3
	statusFd  = 4
)

// Config is what run sends init through the command pipe. JSON keeps
// the argv a list: the book joined it with spaces, so `sh -c "echo a b"`
// arrived as five words.
type Config struct {
	Args     []string `json:"args"`
	Hostname string   `json:"hostname"`
	// Env is the command's environment, given to execve only: init itself
	// runs with ours (container's initEnv).
	Env      []string `json:"env"`
	Cwd      string   `json:"cwd,omitempty"`      // the image's WorkingDir, or -w
	User     string   `json:"user,omitempty"`     // the image's User, or -u
	ReadOnly bool     `json:"readOnly,omitempty"` // --read-only
	// TTY makes init open a terminal in the container's devpts and send
	// its master back on the console socket (-t), of ConsoleSize.
	TTY bool `json:"tty,omitempty"`
	// Confinement is what init applies before the exec (confine.go).
	Confinement Confinement `json:"confinement"`
	// EtcBinds are the container's own /etc files: path inside → file.
	EtcBinds    map[string]string `json:"etcBinds,omitempty"`
	ConsoleSize [2]uint16         `json:"consoleSize,omitempty"`
	// Volumes are bound by init, in the container's mount namespace, as
	// spec mounts (volumeMounts): never in the host's.
	Volumes []overlay.Volume `json:"volumes,omitempty"`
	// Tmpfs are the container's own tmpfs mounts (--tmpfs).
	Tmpfs []overlay.Tmpfs `json:"tmpfs,omitempty"`
}

// SendConfig writes the container's command to init and closes the
// pipe, which releases init.
func SendConfig(cfg Config, w *os.File) error {
	defer w.Close()
	if err := json.NewEncoder(w).Encode(cfg); err != nil {
		return fmt.Errorf("send the command to init: %w", err)
	}
	return nil
}

// readConfig blocks until the parent has written the command and
// closed the pipe: by then the parent has put us into our cgroup.
func readConfig() (Config, error) {
	pipe := os.NewFile(commandFd, "command-pipe")
	defer pipe.Close()
	return decodeConfig(pipe)
}

// decodeConfig reads what SendConfig wrote.
func decodeConfig(r io.Reader) (Config, error) {
	var cfg Config
	if err := json.NewDecoder(r).Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("init: read the command: %w", err)
	}
	if len(cfg.Args) == 0 {
		return cfg, errors.New("init: no command to run")
	}
	return cfg, nil
}

// initFailure is what init reports when it cannot start the command.
type initFailure struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// reportFailure tells run why the command did not start, and returns the
// exit status that says so (125, or 126/127 for the command itself).
func reportFailure(err error) int {
	failure := initFailure{Code: exitFailure, Message: err.Error()}
	var execErr *ExecError
	if errors.As(err, &execErr) {
		failure.Code = execErr.ExitCode()
	}
	pipe := os.NewFile(statusFd, "status-pipe")
	defer pipe.Close()
	_ = json.NewEncoder(pipe).Encode(failure)
	return failure.Code
}

// ReadStatus waits until init has exec'd the command (end-of-file: the
// exec closed init's end) or reported why it could not.
func ReadStatus(r io.Reader) error {
	var failure initFailure
	err := json.NewDecoder(r).Decode(&failure)
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the status of init: %w", err)
	}
	if failure.Code == exitFailure {
		return errors.New(failure.Message)
	}
	return &ExecError{Err: errors.New(failure.Message), Code: failure.Code}
}

// exitFailure is the status of mydocker's own failures, as docker's 125.
const exitFailure = 125
