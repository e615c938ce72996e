package api

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/mydocker/mydocker/final/state"
)

// mountArgs is HostConfig.Mounts and .Tmpfs as create's --mount and
// --tmpfs, which check them as the CLI's do; compose sends its volumes
// and binds as Mounts, not Binds. What mydocker cannot mount is refused
// with a 400, not dropped.
func mountArgs(hc *container.HostConfig) ([]string, error) {
	var args []string
	for _, m := range hc.Mounts {
		spec, err := mountSpec(m)
		if err != nil {
			return nil, err
		}
		args = append(args, "--mount="+spec)
	}
	for _, path := range slices.Sorted(maps.Keys(hc.Tmpfs)) {
		spec := path
		if opts := hc.Tmpfs[path]; opts != "" {
			spec += ":" + opts
		}
		args = append(args, "--tmpfs="+spec)
	}
	return args, nil
}

// mountSpec is one Mount as --mount's key=value list.
func mountSpec(m mount.Mount) (string, error) {
	switch m.Type {
	case mount.TypeBind, mount.TypeVolume, mount.TypeTmpfs:
	default:
		return "", badRequest("invalid mount config for type %q: mydocker mounts bind, volume and tmpfs only", m.Type)
	}
	fields := []string{"type=" + string(m.Type), "target=" + m.Target}
	if m.Source != "" {
		fields = append(fields, "source="+m.Source)
	}
	if m.ReadOnly {
		fields = append(fields, "readonly")
	}
	if o := m.VolumeOptions; o != nil {
		if o.Subpath != "" || (o.DriverConfig != nil && o.DriverConfig.Name != "" && o.DriverConfig.Name != "local") {
			return "", badRequest("invalid mount config: volume subpaths and drivers other than local are not supported")
		}
		if o.NoCopy {
			fields = append(fields, "volume-nocopy")
		}
	}
	if o := m.BindOptions; o != nil && o.Propagation != "" {
		fields = append(fields, "bind-propagation="+string(o.Propagation))
	}
	if o := m.TmpfsOptions; o != nil {
		if o.SizeBytes > 0 {
			fields = append(fields, "tmpfs-size="+strconv.FormatInt(o.SizeBytes, 10))
		}
		if o.Mode != 0 {
			fields = append(fields, "tmpfs-mode="+strconv.FormatUint(uint64(o.Mode.Perm()), 8))
		}
	}
	for _, f := range fields {
		if strings.Contains(f[strings.IndexByte(f, '=')+1:], ",") {
			return "", badRequest("invalid mount config: %q has a comma", f)
		}
	}
	return strings.Join(fields, ","), nil
}

// mountPointsOf is the container's volumes and binds as inspect's and
// the list's Mounts: compose reads them to carry a service's volumes
// over when it recreates its container.
func mountPointsOf(st *state.Container) []container.MountPoint {
	out := []container.MountPoint{}
	for _, v := range st.Volumes {
		mp := container.MountPoint{Type: mount.TypeBind, Source: v.Host, Destination: v.Container,
			RW: !v.ReadOnly, Propagation: mount.PropagationRPrivate}
		if v.Name != "" {
			mp = container.MountPoint{Type: mount.TypeVolume, Name: v.Name, Source: v.Host,
				Destination: v.Container, Driver: "local", RW: !v.ReadOnly}
		}
		out = append(out, mp)
	}
	for _, t := range st.Tmpfs {
		out = append(out, container.MountPoint{Type: mount.TypeTmpfs, Destination: t.Container, RW: true})
	}
	return out
}
