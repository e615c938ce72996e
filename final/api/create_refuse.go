package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/moby/moby/api/types/container"
)

// mappedHostFields are the HostConfig fields that create maps to its
// flags (hostConfigArgs, processArgs, mountArgs), by their Go names.
var mappedHostFields = map[string]bool{
	"AutoRemove": true, "Init": true, "NetworkMode": true, "RestartPolicy": true,
	"Binds": true, "Mounts": true, "Tmpfs": true,
	"Memory": true, "NanoCPUs": true, "CPUShares": true, "CpusetCpus": true,
	"MemorySwap": true, "PidsLimit": true, "ShmSize": true, "Ulimits": true,
	"ReadonlyRootfs": true, "Privileged": true, "CapAdd": true, "CapDrop": true,
	"SecurityOpt": true, "PortBindings": true, "PublishAllPorts": true,
	"Devices": true, "DNS": true, "DNSSearch": true, "DNSOptions": true,
	"ExtraHosts": true, "GroupAdd": true, "Sysctls": true,
	"IpcMode": true, "PidMode": true, "LogConfig": true,
	// The client's, not the container's: the CLI writes the file, and
	// a -t container's size comes with resize (final/README.md).
	"ContainerIDFile": true, "ConsoleSize": true,
}

// sameAsMydocker are the values of a field that ask for what mydocker
// does anyway: docker's words for its defaults.
var sameAsMydocker = map[string][]string{
	"CgroupnsMode": {"private"}, // every container has its own
	"Isolation":    {"default"},
	"Runtime":      {"runc"}, // the monitor and mydocker-init are its runtime
}

// refuseUnmapped refuses, with a 400 that names it, a HostConfig field
// that create does not map and that asks for anything but the default:
// a container made without what its client asked for (a device, a
// link, a blkio limit) would be a silent lie. A field this version of
// the API types does not know (raw's keys) is refused the same way,
// unless it is empty, as a newer client sends its defaults.
func refuseUnmapped(hc *container.HostConfig, raw map[string]json.RawMessage) error {
	known := map[string]bool{}
	var err error
	eachField(reflect.ValueOf(hc).Elem(), func(f reflect.StructField, v reflect.Value) {
		name := jsonName(f)
		known[name] = true
		if err != nil || mappedHostFields[f.Name] || isDefault(v, sameAsMydocker[f.Name]) {
			return
		}
		err = badRequest("HostConfig.%s is not supported by mydocker: leave it out (final/README.md lists the fields it takes)", name)
	})
	if err != nil {
		return err
	}
	for key, value := range raw {
		if !known[key] && !emptyJSON(value) {
			return badRequest("unknown HostConfig field %q: mydocker's API (1.44 and later) does not know it", key)
		}
	}
	return nil
}

// eachField calls fn for each field of a struct, the fields of an
// embedded struct (HostConfig's Resources) as its own.
func eachField(v reflect.Value, fn func(reflect.StructField, reflect.Value)) {
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			eachField(v.Field(i), fn)
			continue
		}
		if f.IsExported() {
			fn(f, v.Field(i))
		}
	}
}

// jsonName is a field's key in the request's JSON.
func jsonName(f reflect.StructField) string {
	if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" {
		return name
	}
	return f.Name
}

// isDefault tells a field that asks for nothing: zero, a pointer to
// zero (docker's CLI sends OomKillDisable false), an empty list or map,
// -1 for MemorySwappiness (docker's "unset"), or one of same.
func isDefault(v reflect.Value, same []string) bool {
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		if v.Elem().Kind() == reflect.Int64 && v.Elem().Int() == -1 {
			return true
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	case reflect.String:
		for _, s := range same {
			if v.String() == s {
				return true
			}
		}
	}
	return v.IsZero()
}

// emptyJSON tells a value that sets nothing: null, false, 0, "", [], {}.
func emptyJSON(v json.RawMessage) bool {
	switch string(bytes.TrimSpace(v)) {
	case "null", "false", "0", `""`, "[]", "{}":
		return true
	}
	return false
}
