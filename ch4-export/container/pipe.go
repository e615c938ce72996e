package container

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// commandFd is the fd on which init reads its command: ExtraFiles[0].
const commandFd = 3

// sendInitCommand writes the container's argv to init and closes the pipe,
// which releases init. JSON keeps the argv a list: the book joined it with
// spaces, so `sh -c "echo a b"` arrived as five words.
func sendInitCommand(argv []string, w *os.File) error {
	defer w.Close()
	if err := json.NewEncoder(w).Encode(argv); err != nil {
		return fmt.Errorf("send the command to init: %w", err)
	}
	return nil
}

// readUserCommand blocks until the parent has written the argv and closed
// the pipe: by then the parent has put us into our cgroup.
func readUserCommand() ([]string, error) {
	pipe := os.NewFile(commandFd, "command-pipe")
	defer pipe.Close()
	return decodeCommand(pipe)
}

// decodeCommand reads the argv that sendInitCommand wrote.
func decodeCommand(r io.Reader) ([]string, error) {
	var argv []string
	if err := json.NewDecoder(r).Decode(&argv); err != nil {
		return nil, fmt.Errorf("init: read the command: %w", err)
	}
	if len(argv) == 0 {
		return nil, errors.New("init: no command to run")
	}
	return argv, nil
}
