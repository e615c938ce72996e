package build

import (
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/mydocker/mydocker/final/build/buildctx"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/internal/passwd"
)

// copyCmd is a COPY or an ADD, as one.
type copyCmd struct {
	name    string // COPY or ADD
	sources []string
	dest    string
	from    string
	chown   string
	chmod   string
	add     bool
	exclude []string // --exclude
	parents bool     // COPY --parents
	// inline are COPY <<EOF files, already expanded.
	inline []buildctx.Inline
}

// copyOf reads a COPY; --link is a plain copy (one layer per step here,
// whatever the flag says).
func copyOf(c *instructions.CopyCommand) copyCmd {
	return copyCmd{name: "COPY", sources: c.SourcePaths, dest: c.DestPath, from: c.From, chown: c.Chown, chmod: c.Chmod,
		exclude: c.ExcludePatterns, parents: c.Parents, inline: inlineOf(c.SourceContents)}
}

func addOf(c *instructions.AddCommand) copyCmd {
	return copyCmd{name: "ADD", sources: c.SourcePaths, dest: c.DestPath, chown: c.Chown, chmod: c.Chmod, add: true,
		exclude: c.ExcludePatterns, inline: inlineOf(c.SourceContents)}
}

// inlineOf is a COPY's heredocs as buildctx's sources.
func inlineOf(contents []instructions.SourceContent) []buildctx.Inline {
	var out []buildctx.Inline
	for _, c := range contents {
		out = append(out, buildctx.Inline{Name: c.Path, Data: []byte(c.Data)})
	}
	return out
}

// copy builds a COPY or ADD: a layer of what it adds, from the context,
// or from a stage's or an image's files (--from), owned as --chown says
// (names read in the image's /etc/passwd and /etc/group). Its cache key
// has the checksum of the files it copies.
func (s *stage) copy(v *vertex, c copyCmd) error {
	root, err := openRootfs(s.b.images, s.img, s.b.tmp)
	if err != nil {
		return err
	}
	defer root.Close()
	// The layer names real paths: Dest's symlinks (/bin -> usr/bin) are
	// followed in the image, as the copy inside it would.
	dest, err := buildctx.ResolveDest(root.Path(), s.copyDest(c.dest))
	if err != nil {
		return fmt.Errorf("%s: %w", c.name, err)
	}
	spec := buildctx.CopySpec{Sources: c.sources, Dest: dest, UID: -1, GID: -1, Chmod: c.chmod, Add: c.add, Inline: c.inline,
		Exclude: c.exclude, Parents: c.parents, HTTPClient: s.b.urls, TempDir: s.b.tmp}
	if c.chown != "" {
		if spec.UID, spec.GID, err = chownIDs(root.Path(), c.chown); err != nil {
			return fmt.Errorf("%s --chown=%s: %w", c.name, c.chown, err)
		}
	}
	src, done, err := s.copySource(c.from)
	if err != nil {
		return err
	}
	defer done()
	sum, err := src.Checksum(spec)
	if err != nil {
		return err
	}
	createdBy := copyCreatedBy(&s.cfg.Config, c.name, sum, spec.Dest)
	return s.commit(v, createdBy, func() (*image.Image, error) {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(src.WriteLayer(pw, spec, root.exists)) }()
		img, err := s.b.images.Step(s.img, pr, withHistory(cloneConfig(s.cfg), createdBy, false))
		pr.CloseWithError(fmt.Errorf("build: the step's image is made"))
		return img, err
	})
}

// copyDest is the destination as an absolute path: a relative one is
// under WORKDIR. A trailing "/" stays: it says Dest is a directory.
func (s *stage) copyDest(dest string) string {
	if path.IsAbs(dest) {
		return dest
	}
	abs := workdir(s.cfg.Config.WorkingDir, dest)
	if strings.HasSuffix(dest, "/") || dest == "." || strings.HasSuffix(dest, "/.") {
		abs = strings.TrimSuffix(abs, "/") + "/"
	}
	return abs
}

// copySource is where COPY reads: the context, or with --from a stage
// built before (by name or number) or an image (pulled when not here).
func (s *stage) copySource(from string) (*buildctx.Source, func(), error) {
	b := s.b
	if from == "" {
		if b.opts.Context == nil {
			return nil, nil, fmt.Errorf("COPY: this build has no context (the Dockerfile came alone on stdin)")
		}
		return b.opts.Context.Source, func() {}, nil
	}
	var img *image.Image
	var err error
	if j, ok := b.df.stageIndex(from, s.index); ok {
		img = b.built[j]
	} else if img, err = b.opts.Image(b.ctx, from, false); err != nil {
		return nil, nil, fmt.Errorf("COPY --from=%s: %w", from, err)
	}
	root, err := openRootfs(b.images, img, b.tmp)
	if err != nil {
		return nil, nil, err
	}
	src, err := buildctx.OpenSource(root.Path(), nil)
	if err != nil {
		root.Close()
		return nil, nil, err
	}
	return src, func() { src.Close(); root.Close() }, nil
}

// chownIDs reads --chown: USER[:GROUP], names or numbers; without a
// group, the user's number is the group's too, as docker's.
func chownIDs(root, spec string) (int, int, error) {
	user, group, hasGroup := strings.Cut(spec, ":")
	uid, err := strconv.Atoi(user)
	if err != nil {
		cred, err := passwd.LookupInRoot(root, user)
		if err != nil {
			return 0, 0, err
		}
		uid = cred.UID
	}
	if !hasGroup {
		return uid, uid, nil
	}
	gid, err := strconv.Atoi(group)
	if err != nil {
		cred, err := passwd.LookupInRoot(root, "0:"+group)
		if err != nil {
			return 0, 0, err
		}
		gid = cred.GID
	}
	return uid, gid, nil
}
