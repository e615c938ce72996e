package initproc

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// lookPath finds the command file as execvp(3) does, in the PATH of env:
// the container's environment, which init only passes to execve (its own
// is ours, fixed). A name with a slash is taken as it is. The error is
// exec.LookPath's, so that the exit code says 127 or 126 as before.
func lookPath(file string, env []string) (string, error) {
	if strings.Contains(file, "/") {
		if err := isExecutable(file); err != nil {
			return "", &exec.Error{Name: file, Err: err}
		}
		return file, nil
	}
	for _, dir := range filepath.SplitList(getenv(env, "PATH")) {
		if dir == "" {
			dir = "." // an empty entry is the working directory
		}
		path := dir + "/" + file
		if isExecutable(path) == nil {
			return path, nil
		}
	}
	return "", &exec.Error{Name: file, Err: exec.ErrNotFound}
}

// getenv is key's value in env, the first one, as getenv(3) finds it.
func getenv(env []string, key string) string {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// isExecutable reports why path cannot be executed, or nil.
func isExecutable(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if info.IsDir() {
		return syscall.EISDIR
	}
	if info.Mode()&0o111 == 0 {
		return fs.ErrPermission
	}
	return nil
}
