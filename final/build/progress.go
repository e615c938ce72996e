package build

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"sync"
	"time"
)

// progress writes docker's plain progress: each step a numbered vertex,
// "#N NAME", its output lines "#N 0.123 line", then "#N CACHED" or
// "#N DONE 0.4s" or "#N ERROR: ...". -q writes nothing of it.
type progress struct {
	w io.Writer
	n int
	// classic writes the classic builder's form instead, as docker's
	// API gives it: "Step 1/3 : FROM busybox", " ---> Using cache", and
	// a step's output as it is; the other vertices write nothing.
	classic bool
}

func newProgress(w io.Writer, classic bool) *progress {
	if w == nil {
		w = io.Discard
	}
	return &progress{w: w, classic: classic}
}

// stepName is a step's vertex name: "[1/3] RUN …", "[builder 2/4] COPY …".
var stepName = regexp.MustCompile(`^\[(?:\S+ )?(\d+/\d+)\] (.*)$`)

// warnf writes a line of its own, outside any step.
func (p *progress) warnf(format string, a ...any) {
	fmt.Fprintf(p.w, format+"\n", a...)
}

// vertex is one step of the progress.
type vertex struct {
	p      *progress
	n      int
	start  time.Time
	silent bool // a classic progress's vertex that is no step
}

// start begins vertex #N named name.
func (p *progress) start(name string) *vertex {
	p.n++
	v := &vertex{p: p, n: p.n, start: time.Now()}
	if !p.classic {
		fmt.Fprintf(p.w, "#%d %s\n", p.n, name)
	} else if m := stepName.FindStringSubmatch(name); m != nil {
		fmt.Fprintf(p.w, "Step %s : %s\n", m[1], m[2])
	} else {
		v.silent = true
	}
	return v
}

// logf writes a line of the vertex's own ("#N writing image ... done").
func (v *vertex) logf(format string, a ...any) {
	if !v.p.classic {
		fmt.Fprintf(v.p.w, "#%d %s\n", v.n, fmt.Sprintf(format, a...))
	}
}

func (v *vertex) cached() {
	switch {
	case !v.p.classic:
		fmt.Fprintf(v.p.w, "#%d CACHED\n", v.n)
	case !v.silent:
		fmt.Fprintln(v.p.w, " ---> Using cache")
	}
}

func (v *vertex) done() {
	if !v.p.classic {
		fmt.Fprintf(v.p.w, "#%d DONE %.1fs\n", v.n, time.Since(v.start).Seconds())
	}
}

// failed says a step failed; the classic form leaves it to the error
// that follows.
func (v *vertex) failed(err error) {
	if !v.p.classic {
		fmt.Fprintf(v.p.w, "#%d ERROR: %v\n", v.n, err)
	}
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
	b = bytes.TrimSuffix(b, []byte("\r"))
	if l.v.p.classic {
		fmt.Fprintf(l.v.p.w, "%s\n", b)
		return
	}
	fmt.Fprintf(l.v.p.w, "#%d %.3f %s\n", l.v.n, time.Since(l.v.start).Seconds(), b)
}
