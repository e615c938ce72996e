package buildctx

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/moby/patternmatcher"
)

// Context is the build context: the Source COPY and ADD read by default,
// and the Dockerfile that goes with it.
type Context struct {
	*Source
	dockerfile []byte
	// tmp is the directory a tar or stdin context was unpacked into.
	tmp string
}

// OpenContext opens the context as `docker build` takes it: arg "-" is stdin
// (a Dockerfile alone, or a tar: sniffed as docker does), a tar file path, or
// a directory. A tar is unpacked safely into a temp dir under tmpRoot and
// removed by Close. dockerfile is -f: "" for the context's Dockerfile, "-"
// for stdin; for a directory context a relative -f is relative to the
// current directory and may lie outside the context (docker's rule), for a
// tar context it is relative to the context's root. The Dockerfile is read
// here, so a missing one fails before any step runs.
func OpenContext(arg string, stdin io.Reader, tmpRoot string, dockerfile string) (ctx *Context, err error) {
	if arg == "-" && dockerfile == "-" {
		return nil, errors.New("invalid argument: can't use stdin for both build context and dockerfile")
	}
	c := &Context{}
	defer func() {
		if err != nil {
			c.cleanup()
		}
	}()
	if dockerfile == "-" {
		if c.dockerfile, err = readAllLimited(stdin); err != nil {
			return nil, fmt.Errorf("read Dockerfile from stdin: %w", err)
		}
		dockerfile = ""
	}
	dir, dfPath, err := c.prepare(arg, stdin, tmpRoot, dockerfile)
	if err != nil {
		return nil, err
	}
	if c.dockerfile == nil {
		if c.dockerfile, err = readSmallFile(dir, dfPath); err != nil {
			return nil, fmt.Errorf("unable to prepare context: unable to evaluate symlinks in Dockerfile path: %w", err)
		}
	}
	ignore, err := ReadDockerignore(dir, dfPath)
	if err != nil {
		return nil, err
	}
	if c.Source, err = OpenSource(dir, keepBuildFiles(ignore, dir, dfPath)); err != nil {
		return nil, err
	}
	return c, nil
}

// prepare finds the context directory and the Dockerfile's path ("" when it
// came from stdin).
func (c *Context) prepare(arg string, stdin io.Reader, tmpRoot, dockerfile string) (dir, dfPath string, err error) {
	if arg == "-" {
		return c.fromStdin(stdin, tmpRoot, dockerfile)
	}
	fi, err := os.Stat(arg)
	if err != nil {
		return "", "", fmt.Errorf("unable to prepare context: path %q not found", arg)
	}
	if fi.IsDir() {
		return arg, dirDockerfile(arg, dockerfile, c.dockerfile != nil), nil
	}
	if !fi.Mode().IsRegular() {
		return "", "", fmt.Errorf("unable to prepare context: %s is not a directory or a tar file", arg)
	}
	f, err := os.OpenFile(arg, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", "", fmt.Errorf("unable to prepare context: %w", err)
	}
	defer f.Close()
	if err := c.unpackTo(f, tmpRoot); err != nil {
		return "", "", err
	}
	return c.tmp, c.tarDockerfile(dockerfile), nil
}

// fromStdin sniffs stdin: an archive (compressed, or a tar header) is the
// context; anything else is the Dockerfile, with an empty context.
func (c *Context) fromStdin(stdin io.Reader, tmpRoot, dockerfile string) (string, string, error) {
	br := bufio.NewReaderSize(stdin, tarBlock*2)
	head, err := br.Peek(tarBlock)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", "", fmt.Errorf("failed to peek context header from STDIN: %w", err)
	}
	if isArchive(head) {
		if err := c.unpackTo(br, tmpRoot); err != nil {
			return "", "", err
		}
		return c.tmp, c.tarDockerfile(dockerfile), nil
	}
	if c.dockerfile, err = readAllLimited(br); err != nil {
		return "", "", fmt.Errorf("read Dockerfile from stdin: %w", err)
	}
	if err := c.mkTemp(tmpRoot); err != nil {
		return "", "", err
	}
	return c.tmp, "", nil
}

func (c *Context) unpackTo(r io.Reader, tmpRoot string) error {
	if err := c.mkTemp(tmpRoot); err != nil {
		return err
	}
	return unpack(r, c.tmp)
}

func (c *Context) mkTemp(tmpRoot string) error {
	if tmpRoot != "" {
		if err := os.MkdirAll(tmpRoot, 0o700); err != nil {
			return fmt.Errorf("build context temp dir: %w", err)
		}
	}
	dir, err := os.MkdirTemp(tmpRoot, "build-context-")
	if err != nil {
		return fmt.Errorf("build context temp dir: %w", err)
	}
	c.tmp = dir
	return nil
}

// tarDockerfile is the Dockerfile's path in an unpacked context; "" if the
// Dockerfile already came from stdin.
func (c *Context) tarDockerfile(dockerfile string) string {
	if c.dockerfile != nil {
		return ""
	}
	if dockerfile == "" {
		return defaultDockerfile(c.tmp)
	}
	return filepath.Join(c.tmp, filepath.Clean("/"+dockerfile))
}

// dirDockerfile is docker's rule for a directory context: -f relative to
// the current directory, else <dir>/Dockerfile (or <dir>/dockerfile).
func dirDockerfile(dir, dockerfile string, fromStdin bool) string {
	if fromStdin {
		return ""
	}
	if dockerfile == "" {
		return defaultDockerfile(dir)
	}
	if abs, err := filepath.Abs(dockerfile); err == nil {
		return abs
	}
	return dockerfile
}

// defaultDockerfile is <dir>/Dockerfile, or <dir>/dockerfile when only that
// exists (docker accepts the lower-case name).
func defaultDockerfile(dir string) string {
	name := filepath.Join(dir, "Dockerfile")
	if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Lstat(filepath.Join(dir, "dockerfile")); err == nil {
			return filepath.Join(dir, "dockerfile")
		}
	}
	return name
}

// keepBuildFiles is the docker CLI's TrimBuildFilesFromExcludes: the
// Dockerfile and .dockerignore may be ignored, but they are still sent, so
// COPY still sees them.
func keepBuildFiles(ignore []string, dir, dfPath string) []string {
	if len(ignore) == 0 {
		return ignore
	}
	out := append([]string(nil), ignore...)
	keep := []string{".dockerignore"}
	if rel, ok := within(dir, dfPath); ok && dfPath != "" {
		keep = append(keep, filepath.ToSlash(rel))
	}
	for _, k := range keep {
		if m, _ := patternmatcher.Matches(k, ignore); m {
			out = append(out, "!"+k)
		}
	}
	return out
}

// Dockerfile is the Dockerfile's content, read when the context was opened.
func (c *Context) Dockerfile() ([]byte, error) {
	return c.dockerfile, nil
}

// Close releases the source and removes an unpacked context.
func (c *Context) Close() error {
	var err error
	if c.Source != nil {
		err = c.Source.Close()
	}
	return errors.Join(err, c.cleanup())
}

func (c *Context) cleanup() error {
	if c.tmp == "" {
		return nil
	}
	err := os.RemoveAll(c.tmp)
	c.tmp = ""
	return err
}

func readAllLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSmallFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSmallFile {
		return nil, fmt.Errorf("larger than %d bytes", maxSmallFile)
	}
	return data, nil
}
