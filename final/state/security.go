package state

// SecurityOptions are the run's security flags, as given.
type SecurityOptions struct {
	Privileged bool     `json:"privileged,omitempty"`
	CapAdd     []string `json:"capAdd,omitempty"`
	CapDrop    []string `json:"capDrop,omitempty"`
	// Seccomp is "" for docker's default profile, "unconfined", or a file.
	Seccomp string `json:"seccomp,omitempty"`
	// NewPrivileges turns no_new_privs off (--security-opt
	// no-new-privileges=false): setuid binaries work again inside.
	NewPrivileges bool `json:"newPrivileges,omitempty"`
}
