package container

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/mydocker/mydocker/ch4-volumes/overlay"
)

// commandFd is the fd on which init reads its command: ExtraFiles[0].
const commandFd = 3

// initConfig is what run sends init through the command pipe. JSON keeps
// the argv a list: the book joined it with spaces, so `sh -c "echo a b"`
// arrived as five words.
type initConfig struct {
	Args []string `json:"args"`
	// Volumes are bound by init, in the container's mount namespace
	// (overlay.MountVolumes): never in the host's.
	Volumes []overlay.Volume `json:"volumes,omitempty"`
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
