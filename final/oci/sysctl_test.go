package oci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func TestCheckSysctl(t *testing.T) {
	withNS := func(types ...specs.LinuxNamespaceType) *specs.Spec {
		s := &specs.Spec{Linux: &specs.Linux{}}
		for _, ty := range types {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: ty})
		}
		return s
	}
	all := withNS(specs.IPCNamespace, specs.NetworkNamespace, specs.UTSNamespace)
	none := withNS()
	hostNet := withNS()
	hostNet.Linux.Namespaces = []specs.LinuxNamespace{{Type: specs.NetworkNamespace, Path: "/proc/self/ns/net"}}
	for _, c := range []struct {
		spec *specs.Spec
		key  string
		ok   bool
	}{
		{all, "kernel.shmmax", true},
		{all, "fs.mqueue.msg_max", true},
		{all, "net.ipv4.ip_forward", true},
		{all, "kernel.domainname", true},
		{all, "kernel.hostname", false},
		{all, "kernel.core_pattern", false},
		{all, "vm.overcommit_memory", false},
		{all, "kernel..shmmax", false},
		{all, "net.ipv4.conf/../../kernel/core_pattern", false},
		{none, "kernel.shmmax", false},
		{none, "net.ipv4.ip_forward", false},
		{none, "kernel.domainname", false},
		{hostNet, "net.ipv4.ip_forward", false},
	} {
		err := checkSysctl(c.spec, c.key)
		if (err == nil) != c.ok {
			t.Errorf("%s: got %v, want ok=%v", c.key, err, c.ok)
		}
		if err != nil && !strings.Contains(err.Error(), c.key) {
			t.Errorf("%s: the error does not name the key: %v", c.key, err)
		}
	}
}

// Where the kernel makes no procfs of our own, /proc is taken only if it
// is a procfs's root.
func TestOpenProcRoot(t *testing.T) {
	fd, err := openProcRoot("/proc")
	if err != nil {
		t.Fatalf("/proc: %v", err)
	}
	unix.Close(fd)
	link := filepath.Join(t.TempDir(), "proc")
	if err := os.Symlink("/proc", link); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"/proc/sys", t.TempDir(), link} {
		if fd, err := openProcRoot(dir); err == nil {
			unix.Close(fd)
			t.Errorf("%s taken for a procfs root", dir)
		}
	}
}
