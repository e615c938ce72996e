package state

// DNSConfig is how a container finds names beyond its network's: --dns
// (the servers asked: its DNS server's upstreams on a user network, its
// resolv.conf's elsewhere), --dns-search, --dns-option, and --add-host
// (NAME:IP lines of its /etc/hosts). Empty lists keep the host's.
type DNSConfig struct {
	Servers    []string `json:"servers,omitempty"`
	Search     []string `json:"search,omitempty"`
	Options    []string `json:"options,omitempty"`
	ExtraHosts []string `json:"extraHosts,omitempty"`
}
