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
//
// tail, when 0 or more, starts at the last tail lines instead (--tail).
func Logs(st *State, w io.Writer, follow bool, tail int) error {
	f, err := os.Open(st.LogPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil // it wrote nothing yet
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if tail >= 0 {
		if err := seekToLastLines(f, tail); err != nil {
			return fmt.Errorf("read the log: %w", err)
		}
	}
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

// seekToLastLines moves f to the start of its last n lines, reading it
// backwards a block at a time: a big log is not read whole.
func seekToLastLines(f *os.File, n int) error {
	end, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return err
	}
	buf := make([]byte, 32<<10)
	pos, newlines := end, 0
	for pos > 0 {
		size := min(int64(len(buf)), pos)
		pos -= size
		if _, err := f.ReadAt(buf[:size], pos); err != nil {
			return err
		}
		for i := size - 1; i >= 0; i-- {
			if buf[i] != '\n' || pos+i == end-1 {
				continue // the log's own last newline ends its last line
			}
			if newlines++; newlines == n {
				_, err := f.Seek(pos+i+1, io.SeekStart)
				return err
			}
		}
	}
	if n == 0 {
		_, err := f.Seek(end, io.SeekStart)
		return err
	}
	_, err = f.Seek(0, io.SeekStart)
	return err
}
