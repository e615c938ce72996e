package oci

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// LoadSpec reads the bundle's config.json and refuses, with the field
// that says so, what this runtime cannot honour: a container that ran
// without it would not be the one its config describes.
func LoadSpec(bundle string) (*specs.Spec, error) {
	data, err := os.ReadFile(filepath.Join(bundle, "config.json"))
	if err != nil {
		return nil, fmt.Errorf("read the bundle's config: %w", err)
	}
	var spec specs.Spec
	if err := json.Unmarshal(data, &spec); err != nil {
		return nil, fmt.Errorf("parse %s: %w", filepath.Join(bundle, "config.json"), err)
	}
	if err := Check(&spec); err != nil {
		return nil, err
	}
	return &spec, nil
}

var validID = regexp.MustCompile(`^[\w+\-.]+$`)

// CheckID refuses an ID that could not name a directory of the state
// root: empty, ".", "..", or with a "/".
func CheckID(id string) error {
	if id == "" {
		return errors.New("container ID cannot be empty")
	}
	if !validID.MatchString(id) || id == "." || id == ".." {
		return fmt.Errorf("invalid container ID %q: only letters, digits, '_', '+', '-' and '.'", id)
	}
	return nil
}

// unsupported names a field that is set and that this runtime does not
// honour.
type unsupported struct {
	set   bool
	field string
	why   string
}

// Check refuses a spec this runtime would not run as written.
func Check(s *specs.Spec) error {
	if s.Root == nil || s.Root.Path == "" {
		return errors.New("config.json: root.path is required")
	}
	if s.Linux == nil {
		return errors.New("config.json: linux is required (this runtime runs Linux containers)")
	}
	if err := checkVersion(s.Version); err != nil {
		return err
	}
	l := s.Linux
	for i, d := range l.Devices {
		if d.Type != "c" && d.Type != "b" && d.Type != "u" && d.Type != "p" {
			return fmt.Errorf("config.json: linux.devices[%d] %s: type %q is not c, b, u or p", i, d.Path, d.Type)
		}
	}
	checks := []unsupported{
		{l.MountLabel != "", "linux.mountLabel", "SELinux is not supported"},
		{l.IntelRdt != nil, "linux.intelRdt", "Intel RDT is not supported"},
		{l.Seccomp != nil && l.Seccomp.ListenerPath != "", "linux.seccomp.listenerPath", "seccomp notify is not supported"},
	}
	if p := s.Process; p != nil {
		checks = append(checks,
			unsupported{p.SelinuxLabel != "", "process.selinuxLabel", "SELinux is not supported"},
		)
	}
	if r := l.Resources; r != nil {
		checks = append(checks,
			unsupported{r.Network != nil, "linux.resources.network", "net_cls/net_prio are not supported"},
		)
	}
	if err := checkProcAttrs(s); err != nil {
		return fmt.Errorf("config.json: %w", err)
	}
	if err := checkTimeOffsets(s); err != nil {
		return fmt.Errorf("config.json: %w", err)
	}
	if err := checkIDMapped(s); err != nil {
		return fmt.Errorf("config.json: %w", err)
	}
	for _, ns := range l.Namespaces {
		if _, ok := namespaceFlags[ns.Type]; !ok {
			return fmt.Errorf("config.json: linux.namespaces: %q is not supported", ns.Type)
		}
	}
	for _, c := range checks {
		if c.set {
			return fmt.Errorf("config.json: %s: %s", c.field, c.why)
		}
	}
	return nil
}

// checkVersion refuses a config of another major version of the spec (or
// no version at all): its fields may not mean what this runtime reads.
func checkVersion(v string) error {
	major, _, _ := strings.Cut(v, ".")
	if major != "1" || !regexp.MustCompile(`^1\.\d+\.\d+(-[\w.-]+)?(\+[\w.-]+)?$`).MatchString(v) {
		return fmt.Errorf("config.json: ociVersion %q: this runtime reads version 1 of the spec", v)
	}
	return nil
}

func hasNamespace(s *specs.Spec, t specs.LinuxNamespaceType) bool {
	_, ok := namespace(s, t)
	return ok
}

func namespace(s *specs.Spec, t specs.LinuxNamespaceType) (specs.LinuxNamespace, bool) {
	if s.Linux == nil {
		return specs.LinuxNamespace{}, false
	}
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == t {
			return ns, true
		}
	}
	return specs.LinuxNamespace{}, false
}
