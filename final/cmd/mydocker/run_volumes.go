package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/overlay"
	"github.com/mydocker/mydocker/final/volume"
)

// volumeFlags are run's flags for what is mounted into the container
// besides -v.
func volumeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "mount", Usage: "type=bind|volume|tmpfs,source=…,target=…[,readonly][,volume-nocopy][,tmpfs-size=…][,tmpfs-mode=…] (repeatable)"},
		&cli.StringSliceFlag{Name: "tmpfs", Usage: "a tmpfs at PATH[:OPTIONS], such as /run:size=64m (repeatable)"},
	}
}

// parseVolumes reads -v as docker does: /container/dir (an anonymous
// volume), NAME:/container/dir (a named one), or /host/dir (or ./dir,
// from where we run):/container/dir, each with :ro, :rw, :nocopy (and
// SELinux's :z, :Z, which change nothing here).
func parseVolumes(specs []string, root string) ([]overlay.Volume, error) {
	var volumes []overlay.Volume
	for _, spec := range specs {
		v, err := parseVolume(spec, root)
		if err != nil {
			return nil, err
		}
		volumes = append(volumes, v)
	}
	return volumes, nil
}

func parseVolume(spec, root string) (overlay.Volume, error) {
	bad := func(why string) (overlay.Volume, error) {
		return overlay.Volume{}, fmt.Errorf("invalid volume %q: %s (want [HOST-DIR|NAME:]/container/dir[:ro])", spec, why)
	}
	parts := strings.Split(spec, ":")
	if slices.Contains(parts, "") {
		return bad("empty section between colons")
	}
	var v overlay.Volume
	var opts string
	switch {
	case len(parts) == 1:
		v.Container = parts[0]
	case len(parts) == 2 && strings.HasPrefix(parts[1], "/"):
		v.Host, v.Container = parts[0], parts[1]
	case len(parts) == 2:
		v.Container, opts = parts[0], parts[1]
	case len(parts) == 3:
		v.Host, v.Container, opts = parts[0], parts[1], parts[2]
	default:
		return bad("too many ':'")
	}
	for _, o := range strings.Split(opts, ",") {
		switch o {
		case "":
		case "ro":
			v.ReadOnly = true
		case "rw", "z", "Z", "rprivate", "private":
		case "nocopy":
			v.NoCopy = true
		default:
			return bad(fmt.Sprintf("unknown option %q", o))
		}
	}
	if !filepath.IsAbs(v.Container) {
		return bad("the container path must be absolute")
	}
	v.Container = filepath.Clean(v.Container)
	if v.Container == "/" {
		return bad("cannot mount over the container's root")
	}
	switch {
	case v.Host == "":
		return anonymous(v, root), nil
	case strings.HasPrefix(v.Host, "/"):
		v.Host = filepath.Clean(v.Host)
	case v.Host == "." || v.Host == ".." || strings.HasPrefix(v.Host, "./") || strings.HasPrefix(v.Host, "../"):
		// docker 23 and later: a relative path is from where we run.
		wd, err := os.Getwd()
		if err != nil {
			return bad(err.Error())
		}
		v.Host = filepath.Join(wd, v.Host)
	default:
		if err := volume.CheckName(v.Host); err != nil {
			return overlay.Volume{}, err
		}
		v.Name, v.Host = v.Host, volume.Store{Root: root}.Path(v.Host)
	}
	return v, nil
}

// anonymous makes v a new anonymous volume: a random name, as docker's.
func anonymous(v overlay.Volume, root string) overlay.Volume {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	v.Name, v.Anonymous = hex.EncodeToString(b), true
	v.Host = volume.Store{Root: root}.Path(v.Name)
	return v
}

// parseMounts reads --mount, docker's key=value list, into binds,
// volumes and tmpfs mounts.
func parseMounts(specs []string, root string) ([]overlay.Volume, []overlay.Tmpfs, error) {
	var vols []overlay.Volume
	var tmpfs []overlay.Tmpfs
	for _, spec := range specs {
		bad := func(why string) error { return fmt.Errorf("invalid argument %q for \"--mount\" flag: %s", spec, why) }
		kind := "volume"
		var v overlay.Volume
		var t overlay.Tmpfs
		for _, field := range strings.Split(spec, ",") {
			key, value, hasValue := strings.Cut(field, "=")
			switch strings.ToLower(key) {
			case "type":
				kind = value
			case "source", "src":
				v.Host = value
			case "target", "destination", "dst":
				v.Container = value
			case "readonly", "ro":
				ro := true
				if hasValue {
					var err error
					if ro, err = strconv.ParseBool(value); err != nil {
						return nil, nil, bad(fmt.Sprintf("invalid value for %s: %s", key, value))
					}
				}
				v.ReadOnly = ro
			case "volume-nocopy":
				v.NoCopy = !hasValue || value == "true" || value == "1"
			case "bind-propagation":
				if value != "rprivate" && value != "private" {
					return nil, nil, bad("only the rprivate propagation is supported")
				}
			case "tmpfs-size":
				t.Options = append(t.Options, "size="+value)
			case "tmpfs-mode":
				t.Options = append(t.Options, "mode="+value)
			case "consistency", "bind-nonrecursive":
			default:
				return nil, nil, bad(fmt.Sprintf("unexpected key '%s' in '%s'", key, field))
			}
		}
		if v.Container == "" {
			return nil, nil, bad("target is required")
		}
		if !filepath.IsAbs(v.Container) {
			return nil, nil, bad("the target must be an absolute path")
		}
		switch kind {
		case "bind":
			if !filepath.IsAbs(v.Host) {
				return nil, nil, bad("a bind's source must be an absolute path")
			}
			// docker's --mount, unlike -v, does not make a missing source.
			if _, err := os.Stat(v.Host); err != nil {
				return nil, nil, bad(fmt.Sprintf("bind source path does not exist: %s", v.Host))
			}
			vols = append(vols, overlay.Volume{Host: filepath.Clean(v.Host), Container: filepath.Clean(v.Container), ReadOnly: v.ReadOnly})
		case "volume":
			spec := v.Container
			if v.Host != "" {
				spec = v.Host + ":" + v.Container
			}
			parsed, err := parseVolume(spec, root)
			if err != nil {
				return nil, nil, err
			}
			if strings.HasPrefix(v.Host, "/") || strings.HasPrefix(v.Host, ".") {
				return nil, nil, bad("a volume's source is a volume name")
			}
			parsed.ReadOnly, parsed.NoCopy = v.ReadOnly, v.NoCopy
			vols = append(vols, parsed)
		case "tmpfs":
			if v.Host != "" {
				return nil, nil, bad("a tmpfs has no source")
			}
			t.Container = filepath.Clean(v.Container)
			tmpfs = append(tmpfs, t)
		default:
			return nil, nil, bad(fmt.Sprintf("unknown mount type %q", kind))
		}
	}
	return vols, tmpfs, nil
}

// parseTmpfs reads --tmpfs PATH[:OPTIONS].
func parseTmpfs(specs []string) ([]overlay.Tmpfs, error) {
	var out []overlay.Tmpfs
	for _, spec := range specs {
		path, opts, _ := strings.Cut(spec, ":")
		if !filepath.IsAbs(path) || filepath.Clean(path) == "/" {
			return nil, fmt.Errorf("invalid argument %q for \"--tmpfs\" flag: want an absolute path other than /", spec)
		}
		t := overlay.Tmpfs{Container: filepath.Clean(path)}
		if opts != "" {
			t.Options = strings.Split(opts, ",")
		}
		out = append(out, t)
	}
	return out, nil
}

// imageVolumes are anonymous volumes for the image's VOLUME paths that
// nothing else is mounted on, in path order.
func imageVolumes(paths map[string]struct{}, taken []string, root string) []overlay.Volume {
	var list []string
	for p := range paths {
		p = filepath.Clean(p)
		if filepath.IsAbs(p) && p != "/" && !slices.Contains(taken, p) {
			list = append(list, p)
		}
	}
	sort.Strings(list)
	var out []overlay.Volume
	for _, p := range list {
		out = append(out, anonymous(overlay.Volume{Container: p}, root))
	}
	return out
}

// checkTargets refuses two mounts on one path, as docker.
func checkTargets(vols []overlay.Volume, tmpfs []overlay.Tmpfs) error {
	seen := map[string]bool{}
	var targets []string
	for _, v := range vols {
		targets = append(targets, v.Container)
	}
	for _, t := range tmpfs {
		targets = append(targets, t.Container)
	}
	for _, t := range targets {
		if seen[t] {
			return fmt.Errorf("Duplicate mount point: %s", t)
		}
		seen[t] = true
	}
	return nil
}

// mountTargets are the container paths that -v, --mount and --tmpfs
// take.
func mountTargets(opts container.RunOptions) []string {
	var out []string
	for _, v := range opts.Volumes {
		out = append(out, v.Container)
	}
	for _, t := range opts.Tmpfs {
		out = append(out, t.Container)
	}
	return out
}
