package oci

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/checkpoint-restore/go-criu/v8/rpc"
	securejoin "github.com/cyphar/filepath-securejoin"
	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/internal/atomicfile"
)

// CriuOptions are the flags checkpoint and restore share, runc's.
type CriuOptions struct {
	// ImagePath holds the images; WorkPath criu's log (the image
	// directory if empty).
	ImagePath, WorkPath string
	TCPEstablished      bool
	TCPSkipInFlight     bool
	ExtUnixSk           bool
	ShellJob            bool
	FileLocks           bool
	LinkRemap           bool
	AutoDedup           bool
	// ManageCgroupsMode is soft, full, strict or ignore; "" is CRIU's default.
	ManageCgroupsMode string
	// EmptyNs are namespaces restored empty: only "network" is known
	// (and always so: we manage no network devices, as runc).
	EmptyNs []string
}

// criuConfigAnnotation names a CRIU configuration file for the container
// ("" for none), as runc reads it; without it runc's default file is read.
const (
	criuConfigAnnotation = "org.criu.config"
	criuDefaultConfig    = "/etc/criu/runc.conf"
)

var cgroupModes = map[string]rpc.CriuCgMode{
	"soft": rpc.CriuCgMode_SOFT, "full": rpc.CriuCgMode_FULL,
	"strict": rpc.CriuCgMode_STRICT, "ignore": rpc.CriuCgMode_IGNORE,
}

// criuDirs are the image and work directories, open for criu.
type criuDirs struct {
	images, work *os.File
	logFile      string
}

func (d criuDirs) Close() {
	d.images.Close()
	if d.work != d.images {
		d.work.Close()
	}
}

// openDirs opens the image directory (made when dump) and the work one.
func (o CriuOptions) openDirs(dump bool, logName string) (criuDirs, error) {
	images, err := openImageDir(o.ImagePath, dump)
	if err != nil {
		return criuDirs{}, err
	}
	d := criuDirs{images: images, work: images}
	if o.WorkPath != "" {
		if d.work, err = openImageDir(o.WorkPath, true); err != nil {
			images.Close()
			return criuDirs{}, err
		}
	}
	d.logFile = filepath.Join(d.work.Name(), logName)
	return d, nil
}

// base is what every request of ours tells criu, from the flags and the
// container's spec.
func (o CriuOptions) base(s *specs.Spec, d criuDirs) (*rpc.CriuOpts, error) {
	emptyNs := uint32(unix.CLONE_NEWNET)
	for _, ns := range o.EmptyNs {
		if ns != string(specs.NetworkNamespace) {
			return nil, fmt.Errorf("--empty-ns %s: only network is supported", ns)
		}
	}
	opts := &rpc.CriuOpts{
		ImagesDirFd: ptr(int32(d.images.Fd())), WorkDirFd: ptr(int32(d.work.Fd())),
		LogLevel: ptr(int32(4)), LogFile: ptr(filepath.Base(d.logFile)),
		ManageCgroups: ptr(true), NotifyScripts: ptr(true), OrphanPtsMaster: ptr(true),
		EmptyNs:        &emptyNs,
		TcpEstablished: ptr(o.TCPEstablished), TcpSkipInFlight: ptr(o.TCPSkipInFlight),
		ExtUnixSk: ptr(o.ExtUnixSk), ShellJob: ptr(o.ShellJob), FileLocks: ptr(o.FileLocks),
		LinkRemap: ptr(o.LinkRemap), AutoDedup: ptr(o.AutoDedup),
	}
	if o.ManageCgroupsMode != "" {
		mode, ok := cgroupModes[o.ManageCgroupsMode]
		if !ok {
			return nil, fmt.Errorf("invalid --manage-cgroups-mode %q (soft, full, strict or ignore)", o.ManageCgroupsMode)
		}
		opts.ManageCgroupsMode = &mode
	}
	if file, ok := s.Annotations[criuConfigAnnotation]; ok {
		if file != "" {
			opts.ConfigFile = &file
		}
	} else {
		opts.ConfigFile = ptr(criuDefaultConfig)
	}
	return opts, nil
}

// bindMounts are the spec's bind mounts: their sources are outside the
// container, which criu cannot dump: it records them as external, under
// a key, and binds the source given for that key on restore.
func bindMounts(s *specs.Spec) []specs.Mount {
	var binds []specs.Mount
	for _, m := range s.Mounts {
		if m.Type == "bind" || slices.Contains(m.Options, "bind") || slices.Contains(m.Options, "rbind") {
			binds = append(binds, m)
		}
	}
	return binds
}

// externalKey is a bind mount's key: its destination as it resolves in
// the rootfs (through symlinks, never out of it), which is where criu
// finds the mount. A key criu's syntax cannot carry is refused.
func externalKey(rootfs, dest string) (string, error) {
	resolved, err := securejoin.SecureJoin(rootfs, dest)
	if err != nil {
		return "", fmt.Errorf("resolve %s in the rootfs: %w", dest, err)
	}
	key := strings.TrimPrefix(resolved, filepath.Clean(rootfs))
	if key == "" || key == "/" || strings.Contains(key, "]:") {
		return "", fmt.Errorf("criu: invalid external mount destination %q", dest)
	}
	return key, nil
}

// dumpExternalMounts names every bind mount external, key and value both
// its destination.
func dumpExternalMounts(s *specs.Spec, rootfs string) ([]*rpc.ExtMountMap, error) {
	var ext []*rpc.ExtMountMap
	for _, m := range bindMounts(s) {
		key, err := externalKey(rootfs, m.Destination)
		if err != nil {
			return nil, err
		}
		ext = append(ext, &rpc.ExtMountMap{Key: ptr(key), Val: ptr(key)})
	}
	return ext, nil
}

// restoreExternalMounts gives each bind mount's key its source on this host.
func restoreExternalMounts(s *specs.Spec, bundle, rootfs string) ([]*rpc.ExtMountMap, error) {
	var ext []*rpc.ExtMountMap
	for _, m := range bindMounts(s) {
		key, err := externalKey(rootfs, m.Destination)
		if err != nil {
			return nil, err
		}
		ext = append(ext, &rpc.ExtMountMap{Key: ptr(key), Val: ptr(sourceOf(m, bundle))})
	}
	return ext, nil
}

// External namespaces: a network or pid namespace the container joined
// by path is not criu's to dump or make; it is named by its inode at
// dump and handed over as an open file at restore.
var externalNsKeys = map[specs.LinuxNamespaceType]string{
	specs.NetworkNamespace: "extRootNetNS",
	specs.PIDNamespace:     "extRootPidNS",
}

var criuNsNames = map[specs.LinuxNamespaceType]string{
	specs.NetworkNamespace: "net", specs.PIDNamespace: "pid",
}

func dumpExternalNamespaces(s *specs.Spec) ([]string, error) {
	var ext []string
	for _, ns := range s.Linux.Namespaces {
		key, ok := externalNsKeys[ns.Type]
		if !ok || ns.Path == "" {
			continue
		}
		var st unix.Stat_t
		if err := unix.Stat(ns.Path, &st); err != nil {
			return nil, fmt.Errorf("the container's %s namespace %s: %w", ns.Type, ns.Path, err)
		}
		ext = append(ext, fmt.Sprintf("%s[%d]:%s", criuNsNames[ns.Type], st.Ino, key))
	}
	return ext, nil
}

// restoreNamespaces opens the namespaces given by path for criu to
// inherit (fds from 4 on in criu's table: extra) or join.
func restoreNamespaces(s *specs.Spec, opts *rpc.CriuOpts) (extra []*os.File, err error) {
	for _, ns := range s.Linux.Namespaces {
		if ns.Path == "" {
			continue
		}
		switch ns.Type {
		case specs.NetworkNamespace, specs.PIDNamespace:
			f, err := os.Open(ns.Path)
			if err != nil {
				closeAll(extra)
				return nil, fmt.Errorf("open the %s namespace %s: %w", ns.Type, ns.Path, err)
			}
			extra = append(extra, f)
			opts.InheritFd = append(opts.InheritFd, &rpc.InheritFd{Key: ptr(externalNsKeys[ns.Type]), Fd: ptr(int32(3 + len(extra)))})
		case specs.IPCNamespace, specs.UTSNamespace:
			opts.JoinNs = append(opts.JoinNs, &rpc.JoinNamespace{Ns: ptr(string(ns.Type)), NsFile: ptr(ns.Path)})
		default:
			closeAll(extra)
			return nil, fmt.Errorf("restore into the %s namespace %s: criu cannot join it", ns.Type, ns.Path)
		}
	}
	return extra, nil
}

// descriptorsFile lists, in the image, what init's stdio were at
// checkpoint (runc's name and format, which podman's images carry too):
// pipes among them are inherited from the restorer's stdio.
const descriptorsFile = "descriptors.json"

// stdioDescriptors is what init's fds 0-2 are ("pipe:[123]", "/dev/null").
func stdioDescriptors(pid int) []string {
	d := make([]string, 3)
	for i := range d {
		d[i], _ = os.Readlink(fmt.Sprintf("/proc/%d/fd/%d", pid, i))
	}
	return d
}

func writeDescriptors(images *os.File, d []string) error {
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(images.Name(), descriptorsFile), data, 0o600)
}

// inheritStdio tells criu that the pipes init had as stdio are criu's own
// fds 0-2, which are ours: the restored container writes where we were
// told to.
func inheritStdio(images *os.File, opts *rpc.CriuOpts) error {
	data, err := os.ReadFile(filepath.Join(images.Name(), descriptorsFile))
	if err != nil {
		return fmt.Errorf("read the image's %s: %w", descriptorsFile, err)
	}
	var d []string
	if err := json.Unmarshal(data, &d); err != nil {
		return fmt.Errorf("parse the image's %s: %w", descriptorsFile, err)
	}
	if len(d) > 3 {
		return errors.New("the image's " + descriptorsFile + " lists more than stdin, stdout and stderr")
	}
	for i, name := range d {
		if strings.Contains(name, "pipe:") {
			opts.InheritFd = append(opts.InheritFd, &rpc.InheritFd{Key: ptr(name), Fd: ptr(int32(i))})
		}
	}
	return nil
}

// makeMountpoints makes the bind mounts' mount points, where criu binds
// their sources again: the rootfs may have lost them since the
// checkpoint. A bind mount inside another has its mount point in that
// one's source, which is what the container sees there. Made through
// descriptors, never following a symlink out of the rootfs or source.
func makeMountpoints(s *specs.Spec, bundle, rootfs string) error {
	binds := bindMounts(s)
	for i, m := range binds {
		base, rel := rootfs, m.Destination
		for _, outer := range binds[:i] {
			if inner, ok := strings.CutPrefix(path.Clean(m.Destination), path.Clean(outer.Destination)+"/"); ok {
				base, rel = sourceOf(outer, bundle), inner
			}
		}
		if err := makeMountpoint(base, rel, sourceOf(m, bundle)); err != nil {
			return fmt.Errorf("make the mount point of %s: %w", m.Destination, err)
		}
	}
	return nil
}

func sourceOf(m specs.Mount, bundle string) string {
	if filepath.IsAbs(m.Source) {
		return m.Source
	}
	return filepath.Join(bundle, m.Source)
}

// makeMountpoint makes rel in base: a directory, or a file when source is one.
func makeMountpoint(base, rel, source string) error {
	root, err := os.OpenFile(base, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer root.Close()
	if st, err := os.Stat(source); err == nil && !st.IsDir() {
		parent, err := pathrs.MkdirAllHandle(root, path.Dir(rel), 0o755)
		if err != nil {
			return err
		}
		defer parent.Close()
		// mknod makes a file, never opens one (a fifo there would block).
		err = unix.Mknodat(int(parent.Fd()), path.Base(rel), unix.S_IFREG|0o644, 0)
		if errors.Is(err, unix.EEXIST) {
			return nil
		}
		return err
	}
	dir, err := pathrs.MkdirAllHandle(root, rel, 0o755)
	if err != nil {
		return err
	}
	return dir.Close()
}
