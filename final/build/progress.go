package build

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"time"
)

// progress writes docker's plain progress: each step a numbered vertex,
// "#N NAME", its output lines "#N 0.123 line", then "#N CACHED" or
// "#N DONE 0.4s" or "#N ERROR: ...". -q writes nothing of it.
type progress struct {
	w io.Writer
	n int
}

func newProgress(w io.Writer) *progress {
	if w == nil {
		w = io.Discard
	}
	return &progress{w: w}
}

// warnf writes a line of its own, outside any step.
func (p *progress) warnf(format string, a ...any) {
	fmt.Fprintf(p.w, format+"\n", a...)
}

// vertex is one step of the progress.
type vertex struct {
	p     *progress
	n     int
	start time.Time
}

// start begins vertex #N named name.
func (p *progress) start(name string) *vertex {
	p.n++
	fmt.Fprintf(p.w, "#%d %s\n", p.n, name)
	return &vertex{p: p, n: p.n, start: time.Now()}
}

// logf writes a line of the vertex's own ("#N writing image ... done").
func (v *vertex) logf(format string, a ...any) {
	fmt.Fprintf(v.p.w, "#%d %s\n", v.n, fmt.Sprintf(format, a...))
}

func (v *vertex) cached() { fmt.Fprintf(v.p.w, "#%d CACHED\n", v.n) }

func (v *vertex) done() {
	fmt.Fprintf(v.p.w, "#%d DONE %.1fs\n", v.n, time.Since(v.start).Seconds())
}

func (v *vertex) failed(err error) {
	fmt.Fprintf(v.p.w, "#%d ERROR: %v\n", v.n, err)
}

// output is a writer for the step's command: each line it writes is
// prefixed with the vertex and the seconds since the step began.
func (v *vertex) output() *lineWriter {
	return &lineWriter{v: v}
}

type lineWriter struct {
	mu  sync.Mutex
	v   *vertex
	buf []byte
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		l.line(l.buf[:i])
		l.buf = l.buf[i+1:]
	}
}

// Flush writes a last line that has no newline.
func (l *lineWriter) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.line(l.buf)
		l.buf = nil
	}
}

func (l *lineWriter) line(b []byte) {
	fmt.Fprintf(l.v.p.w, "#%d %.3f %s\n", l.v.n, time.Since(l.v.start).Seconds(), bytes.TrimSuffix(b, []byte("\r")))
}
