package oci

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Reopened for writing, as a container's process would reopen
// /proc/PID/exe once the binary no longer runs, neither copy can be
// changed: EROFS at the open (the bind), EPERM at the write (the memfd).
func TestSealedBinaryNotWritable(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("open_tree needs root")
	}
	bin := filepath.Join(t.TempDir(), "mydocker-runc")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, seal := range map[string]func(string) (*os.File, error){"read-only bind": readOnlyBind, "memfd": sealedCopy} {
		f, err := seal(bin)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		w, err := os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", f.Fd()), os.O_WRONLY, 0)
		if err == nil {
			_, err = w.WriteString("evil")
			w.Close()
		}
		if err == nil {
			t.Errorf("%s: written through /proc/self/fd", name)
		}
		f.Close()
	}
	if data, _ := os.ReadFile(bin); string(data) != "#!/bin/sh\n" {
		t.Errorf("the binary changed: %q", data)
	}
}

func BenchmarkReadOnlyBind(b *testing.B) {
	for range b.N {
		f, err := readOnlyBind("/proc/self/exe")
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

func BenchmarkSealedCopy(b *testing.B) {
	for range b.N {
		f, err := sealedCopy("/proc/self/exe")
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}
