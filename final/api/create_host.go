package api

import (
	"maps"
	"slices"
	"strconv"

	"github.com/moby/moby/api/types/container"
)

// processArgs maps the HostConfig fields of the container's process and
// namespaces to create's flags: limits, devices, DNS and /etc/hosts,
// sysctls, security options, and the IPC and PID namespaces.
func processArgs(hc *container.HostConfig) ([]string, error) {
	var args []string
	add := func(flag, value string) { args = append(args, "--"+flag+"="+value) }
	if hc.PidsLimit != nil {
		add("pids-limit", strconv.FormatInt(*hc.PidsLimit, 10))
	}
	if hc.CpusetCpus != "" {
		add("cpuset", hc.CpusetCpus)
	}
	if hc.MemorySwap != 0 {
		add("memory-swap", strconv.FormatInt(hc.MemorySwap, 10))
	}
	if hc.ShmSize < 0 {
		return nil, badRequest("SHM size can not be less than 0")
	}
	if hc.ShmSize > 0 {
		add("shm-size", strconv.FormatInt(hc.ShmSize, 10))
	}
	for _, u := range hc.Ulimits {
		if u != nil {
			add("ulimit", u.Name+"="+strconv.FormatInt(u.Soft, 10)+":"+strconv.FormatInt(u.Hard, 10))
		}
	}
	for _, d := range hc.Devices {
		spec := d.PathOnHost
		if d.PathInContainer != "" {
			spec += ":" + d.PathInContainer
		}
		if d.CgroupPermissions != "" {
			if d.PathInContainer == "" {
				spec += ":" + d.PathOnHost
			}
			spec += ":" + d.CgroupPermissions
		}
		add("device", spec)
	}
	for _, ip := range hc.DNS {
		add("dns", ip.String())
	}
	for flag, list := range map[string][]string{"dns-search": hc.DNSSearch, "dns-option": hc.DNSOptions,
		"add-host": hc.ExtraHosts, "security-opt": hc.SecurityOpt, "group-add": hc.GroupAdd} {
		for _, v := range list {
			add(flag, v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(hc.Sysctls)) {
		add("sysctl", k+"="+hc.Sysctls[k])
	}
	if hc.IpcMode != "" {
		add("ipc", string(hc.IpcMode))
	}
	if hc.PidMode != "" {
		add("pid", string(hc.PidMode))
	}
	logArgs, err := logConfigArgs(hc.LogConfig)
	if err != nil {
		return nil, err
	}
	return append(args, logArgs...), nil
}

// logConfigArgs is LogConfig as --log-opt: mydocker's one log driver is
// docker's json-file, so another is refused rather than ignored.
func logConfigArgs(lc container.LogConfig) ([]string, error) {
	if lc.Type != "" && lc.Type != "json-file" {
		return nil, badRequest("logger: no log driver named '%s' is registered: mydocker logs with json-file only", lc.Type)
	}
	var args []string
	for _, k := range slices.Sorted(maps.Keys(lc.Config)) {
		args = append(args, "--log-opt="+k+"="+lc.Config[k])
	}
	return args, nil
}
