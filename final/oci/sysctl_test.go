package oci

import (
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
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
