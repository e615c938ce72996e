package container

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mydocker/mydocker/ch5-lifecycle/overlay"
)

// commandFd is the fd on which init reads its command (ExtraFiles[0]), and
// statusFd the one on which it reports a failure to start it (ExtraFiles[1]).
const (
	commandFd = 3
	statusFd  = 4
	// logFd is where init logs, with --debug: our stderr (NewParentProcess).
	logFd = 5
)

// initConfig is what run sends init through the command pipe. JSON keeps
// the argv a list: the book joined it with spaces, so `sh -c "echo a b"`
// arrived as five words.
type initConfig struct {
	Args     []string `json:"args"`
	Hostname string   `json:"hostname"`
	// Volumes are bound by init, in the container's mount namespace
	// (overlay.MountVolumes): never in the host's.
	Volumes []overlay.Volume `json:"volumes,omitempty"`
	// Env is the command's environment, given to execve only: init itself
	// runs with ours (initEnv).
	Env []string `json:"env"`
}

// sendInitConfig writes the container's command to init and closes the
// pipe, which releases init.
func sendInitConfig(cfg initConfig, w *os.File) error {
	defer w.Close()
	if err := json.NewEncoder(w).Encode(cfg); err != nil {
		return fmt.Errorf("send the command to init: %w", err)
	}
	return nil
}

// readInitConfig blocks until the parent has written the command and
// closed the pipe: by then the parent has put us into our cgroup.
func readInitConfig() (initConfig, error) {
	pipe := os.NewFile(commandFd, "command-pipe")
	defer pipe.Close()
	return decodeInitConfig(pipe)
}

// decodeInitConfig reads what sendInitConfig wrote.
func decodeInitConfig(r io.Reader) (initConfig, error) {
	var cfg initConfig
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

// readStatus waits until init has exec'd the command (end-of-file: the
// exec closed init's end) or reported why it could not.
func readStatus(r io.Reader) error {
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
