package buildctx

import (
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/moby/patternmatcher"
)

// CopySpec is one COPY or ADD, the destination already absolute (the builder
// resolved WORKDIR).
type CopySpec struct {
	// Sources as written: globs (filepath.Match syntax, in any path
	// component), relative to the source root ("/" is that root too); for
	// ADD also http(s) URLs.
	Sources []string
	// Dest is the absolute path inside the image; a trailing "/" or several
	// sources means a directory. The builder resolves symlinks in its parent
	// directories against the image first (the layer holds real paths).
	Dest string
	// UID, GID own what is copied (the builder resolves --chown names against
	// the image's /etc/passwd); -1,-1 = docker's default, root (0:0).
	UID, GID int
	// Chmod is --chmod, octal ("" = keep the source's mode). As BuildKit, it
	// applies to the directories copied too, not to parents COPY creates.
	Chmod string
	// Add is ADD: a local tar (plain, gzip, bzip2, xz, zstd) is extracted at
	// Dest instead of copied; URLs are fetched (and never extracted).
	Add bool
	// Inline are heredoc sources (COPY <<EOF /dest): each is written as a
	// file named after Name, mode 0644 (or --chmod), as BuildKit does. They
	// count as sources for docker's "several sources" rule.
	Inline []Inline
	// Parents is COPY --parents: each source keeps its directories (from
	// the root, or from a "/./" in it, as rsync's --relative) under Dest,
	// created with the source's modes and --chown's owner.
	Parents bool
	// Exclude is --exclude: patterns with .dockerignore's syntax; a
	// source they match is not copied, nor is what they match under a
	// directory that is (relative to it).
	Exclude []string
	// HTTPClient fetches ADD URLs (nil means URLClient()).
	HTTPClient *http.Client
	// TempDir keeps ADD URLs' bodies while the build runs (the builder's
	// own temporary directory, which a later build collects if this one
	// is killed; "" is os.TempDir()).
	TempDir string
}

// Inline is one heredoc of a COPY/ADD: the builder has expanded it.
type Inline struct {
	Name string
	Data []byte
}

// instruction names the step in docker's messages.
func (spec CopySpec) instruction() string {
	if spec.Add {
		return "ADD"
	}
	return "COPY"
}

// owner is the uid:gid written into the layer: docker's default is root.
func (spec CopySpec) owner() (int, int) {
	uid, gid := spec.UID, spec.GID
	if uid < 0 {
		uid = 0
	}
	if gid < 0 {
		gid = 0
	}
	return uid, gid
}

// mode is the permission bits written for a copied file or directory:
// --chmod when given, else the source's (with setuid/setgid/sticky).
func (spec CopySpec) mode(fi fs.FileInfo) (int64, error) {
	if spec.Chmod == "" || (fi != nil && fi.Mode()&fs.ModeSymlink != 0) {
		return tarMode(fi.Mode()), nil
	}
	m, err := strconv.ParseUint(spec.Chmod, 8, 32)
	if err != nil || m > 0o7777 {
		return 0, fmt.Errorf("invalid --chmod=%s: an octal mode is expected", spec.Chmod)
	}
	return int64(m), nil
}

// tarMode keeps the permission and special bits of an fs.FileMode in the
// numeric form a tar header stores.
func tarMode(m fs.FileMode) int64 {
	out := int64(m.Perm())
	if m&fs.ModeSetuid != 0 {
		out |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		out |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		out |= 0o1000
	}
	return out
}

// destIsDirSyntax says whether Dest is written as a directory ("dir/",
// "dir/.", "/"), which docker requires with several sources.
func destIsDirSyntax(dest string) bool {
	return strings.HasSuffix(dest, "/") || strings.HasSuffix(dest, "/.") || dest == "."
}

// isURL says whether an ADD source is fetched rather than read from the tree.
func isURL(src string) bool {
	return strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://")
}

// cleanDest makes Dest a clean absolute path; the builder resolved WORKDIR,
// so a relative one is a bug there, reported rather than guessed.
func cleanDest(dest string) (string, error) {
	if !strings.HasPrefix(dest, "/") {
		return "", fmt.Errorf("destination %q is not absolute", dest)
	}
	return path.Clean(dest), nil
}

// excluder compiles Exclude (nil when there is none).
func (spec CopySpec) excluder() (*patternmatcher.PatternMatcher, error) {
	if len(spec.Exclude) == 0 {
		return nil, nil
	}
	pm, err := patternmatcher.New(spec.Exclude)
	if err != nil {
		return nil, fmt.Errorf("--exclude: %w", err)
	}
	return pm, nil
}
