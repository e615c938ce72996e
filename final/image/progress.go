package image

import (
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/sys/unix"
)

// Progress shows a pull as it goes, on stderr: stdout stays the scripts'.
type Progress interface {
	// Layer starts showing the download of one layer.
	Layer(digest string, size int64) LayerProgress
	// Say prints one line.
	Say(format string, args ...any)
	// Wait returns once every bar has been drawn for the last time.
	Wait()
}

// LayerProgress is the download of one layer.
type LayerProgress interface {
	// Reader counts what is read through r.
	Reader(r io.Reader) io.Reader
	// Done ends it: "Pull complete", or err.
	Done(err error)
}

// NewProgress shows bars on a terminal, one per layer (mpb, as podman's
// image code uses), and plain lines otherwise, such as in a log. verb says
// what happens to a layer: "Downloading" for a pull, "Loading" for a load.
func NewProgress(w *os.File, verb string) Progress {
	if _, err := unix.IoctlGetTermios(int(w.Fd()), unix.TCGETS); err == nil {
		return &bars{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(30)), w: w}
	}
	done := "Pull complete"
	if verb == "Loading" {
		done = "Loaded"
	}
	return &lines{w: w, verb: verb, done: done}
}

// Quiet shows nothing.
type Quiet struct{}

func (Quiet) Layer(string, int64) LayerProgress { return quietLayer{} }
func (Quiet) Say(string, ...any)                {}
func (Quiet) Wait()                             {}

type quietLayer struct{}

func (quietLayer) Reader(r io.Reader) io.Reader { return r }
func (quietLayer) Done(error)                   {}

// lines prints a line when a layer starts and one when it ends.
type lines struct {
	mu   sync.Mutex
	w    io.Writer
	verb string // what happens to a layer: Downloading, Loading
	done string // and when it is over: Pull complete, Loaded
}

func (l *lines) Say(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format+"\n", args...)
}

func (l *lines) Layer(digest string, size int64) LayerProgress {
	l.Say("%s: %s %s", shortHex(digest), l.verb, HumanSize(size))
	return &lineLayer{l: l, id: shortHex(digest)}
}

func (l *lines) Wait() {}

type lineLayer struct {
	l  *lines
	id string
}

func (ll *lineLayer) Reader(r io.Reader) io.Reader { return r }

func (ll *lineLayer) Done(err error) {
	if err != nil {
		ll.l.Say("%s: failed: %v", ll.id, err)
		return
	}
	ll.l.Say("%s: %s", ll.id, ll.l.done)
}

// bars draws one bar per layer.
type bars struct {
	p *mpb.Progress
	w io.Writer
}

func (b *bars) Say(format string, args ...any) {
	// Above the bars while they are drawn.
	fmt.Fprintf(b.p, format+"\n", args...)
}

func (b *bars) Layer(digest string, size int64) LayerProgress {
	bar := b.p.AddBar(size,
		mpb.PrependDecorators(decor.Name(shortHex(digest)+": ")),
		mpb.AppendDecorators(decor.OnComplete(decor.CountersKiloByte("% .1f / % .1f"), "Pull complete")))
	return &barLayer{bar: bar}
}

func (b *bars) Wait() { b.p.Wait() }

type barLayer struct{ bar *mpb.Bar }

func (bl *barLayer) Reader(r io.Reader) io.Reader {
	if pr, err := bl.bar.ProxyReader(r); err == nil {
		return pr
	}
	return r // the bar is done already: count nothing
}

func (bl *barLayer) Done(err error) {
	if err != nil {
		bl.bar.Abort(false)
		return
	}
	// A registry may send fewer bytes than the manifest said (never more:
	// the digest is checked); the bar ends either way.
	bl.bar.SetTotal(-1, true)
}

// HumanSize prints a size as docker does: 4.26MB, in powers of 1000.
func HumanSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	f := float64(n)
	i := 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%dB", n)
	}
	return fmt.Sprintf("%.3g%s", f, units[i])
}
