package container

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// followInterval is how often logs -f looks for more.
const followInterval = 100 * time.Millisecond

// Logs copies what the container wrote to stdout and stderr (one log, in
// the order written; book 5.3) to w: all of it, but for a foreground
// container on a terminal (-ti), whose output went to the terminal alone. With follow it goes on until the
// container has exited, then copies the rest and returns.
func Logs(st *State, w io.Writer, follow bool) error {
	f, err := os.Open(st.LogPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil // it wrote nothing yet
	}
	if err != nil {
		return err
	}
	defer f.Close()
	for {
		running := st.Status != Exited && st.Init.Alive()
		if _, err := io.Copy(w, f); err != nil {
			return fmt.Errorf("read the log: %w", err)
		}
		if !follow || !running {
			return nil
		}
		time.Sleep(followInterval)
	}
}
