package build

import (
	"context"
	"io"

	"github.com/mydocker/mydocker/final/build/buildctx"
	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/image"
)

// Options are a build's: docker build's flags, and what the caller
// gives the build to run containers and get images with.
type Options struct {
	Root       string // mydocker's --root
	Dockerfile []byte
	// Context is the build context (COPY's and ADD's sources), nil for
	// none (a Dockerfile alone on stdin).
	Context   *buildctx.Context
	Tags      []string          // -t
	BuildArgs map[string]string // --build-arg
	Labels    map[string]string // --label
	Target    string            // --target
	NoCache   bool              // --no-cache
	Pull      bool              // --pull: FROM images are pulled again
	Network   string            // --network: bridge (""), none or host
	// Tmp is the build's scratch directory (TempDir), which the caller
	// made and removes; "" for the build to make its own.
	Tmp string
	// Progress receives docker's plain progress; nil for none (-q).
	Progress io.Writer
	// Classic makes Progress the classic builder's ("Step 1/3 : FROM
	// busybox"), as docker's API streams it (POST /build).
	Classic bool
	// Run runs a step's container to its end, its output to out: its ID,
	// and its exit status. The caller makes it as run does (a monitor).
	Run func(ctx context.Context, opts container.RunOptions, out io.Writer) (id string, status int, err error)
	// Image gets a FROM's image, pulling it when it is not here, or
	// always with pull.
	Image func(ctx context.Context, name string, pull bool) (*image.Image, error)
}
