package nsenter

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// ConfigFile is the configuration of the constructor, to hand over as
// ExtraFiles[0]: params (KEY=VALUE: pid, start, cgroups) up to an empty
// string, then the command's environment, each string ended by a NUL. It
// is a memory file, written whole before the start: the constructor reads
// it to the end with read(2), and no write of ours waits for a reader.
func ConfigFile(params, env []string) (*os.File, error) {
	var b bytes.Buffer
	for _, kv := range params {
		if strings.IndexByte(kv, '=') <= 0 {
			return nil, fmt.Errorf("exec parameter %q: not KEY=VALUE", kv)
		}
		if err := write(&b, kv); err != nil {
			return nil, err
		}
	}
	b.WriteByte(0)
	for _, kv := range env {
		if err := write(&b, kv); err != nil {
			return nil, err
		}
	}
	return memfd("mydocker-exec", b.Bytes())
}

// ProgramFile is a seccomp program (seccomp.Compile's) as a
// memory file, for the constructor to read from an inherited descriptor
// (ParamSeccompFd).
func ProgramFile(prog []byte) (*os.File, error) {
	if len(prog) == 0 || len(prog)%8 != 0 {
		return nil, fmt.Errorf("seccomp: not a BPF program")
	}
	return memfd("mydocker-seccomp", prog)
}

// memfd is a memory file holding data, at its start.
func memfd(name string, data []byte) (*os.File, error) {
	fd, err := unix.MemfdCreate(name, unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("create the exec configuration: %w", err)
	}
	f := os.NewFile(uintptr(fd), name)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, fmt.Errorf("write the exec configuration: %w", err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("write the exec configuration: %w", err)
	}
	return f, nil
}

// write adds s and its NUL to b. A NUL inside s would cut it in two: a
// parameter would become two, one of them of the caller's choosing.
func write(b *bytes.Buffer, s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("environment variable %q: contains a NUL byte", s)
	}
	b.WriteString(s)
	b.WriteByte(0)
	return nil
}
