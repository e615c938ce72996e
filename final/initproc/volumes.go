package initproc

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/mydocker/mydocker/final/overlay"
)

// volumeMounts are the volumes (-v, a host path or a named volume's
// directory) as spec bind mounts, for rootfs.Rootfs to make in the
// container's mount namespace, as docker hands them to runc: recursive,
// private, and with ":ro" read-only to the bottom ("rro": the volume and
// every mount inside it, set on the detached copy before it is attached;
// a plain "ro" would leave a disk mounted below the host directory
// writable). Each target is opened inside the root (package mountfd): a
// symlink in the image, or one a running container swaps into a shared
// volume, cannot send the bind out of it (CVE-2021-30465's shape), and
// made in the container's namespace a bind never reaches the host's
// mount table.
func volumeMounts(vols []overlay.Volume) []specs.Mount {
	var mounts []specs.Mount
	for _, v := range vols {
		opts := []string{"rbind", "rprivate"}
		if v.ReadOnly {
			opts = append(opts, "rro")
		}
		mounts = append(mounts, specs.Mount{Destination: v.Container, Type: "bind", Source: v.Host, Options: opts})
	}
	return mounts
}

// tmpfsMounts are --tmpfs as spec mounts: docker's noexec, nosuid and
// nodev unless the options say exec, suid or dev.
func tmpfsMounts(list []overlay.Tmpfs) []specs.Mount {
	var mounts []specs.Mount
	for _, t := range list {
		opts := []string{}
		flags := map[string]string{"exec": "noexec", "suid": "nosuid", "dev": "nodev"}
		for _, o := range t.Options {
			if _, ok := flags[o]; ok {
				delete(flags, o)
				continue
			}
			if o == "noexec" || o == "nosuid" || o == "nodev" {
				continue
			}
			opts = append(opts, o)
		}
		for _, o := range []string{"exec", "suid", "dev"} {
			if off, ok := flags[o]; ok {
				opts = append(opts, off)
			}
		}
		mounts = append(mounts, specs.Mount{Destination: t.Container, Type: "tmpfs", Source: "tmpfs", Options: opts})
	}
	return mounts
}
