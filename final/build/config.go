package build

import (
	"fmt"
	"maps"
	"path"
	"sort"
	"strconv"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// defaultShell is the shell of a shell-form instruction when no SHELL
// changed it.
var defaultShell = []string{"/bin/sh", "-c"}

// shellOf is the config's SHELL, or the default.
func shellOf(c *v1.Config) []string {
	if len(c.Shell) > 0 {
		return c.Shell
	}
	return defaultShell
}

// argv is a shell-dependent command line as it runs: the shell form
// through the shell, as one argument, the exec form as it is.
func argv(c *v1.Config, line instructions.ShellDependantCmdLine) []string {
	if !line.PrependShell {
		return append([]string{}, line.CmdLine...)
	}
	return append(append([]string{}, shellOf(c)...), strings.Join(line.CmdLine, " "))
}

// applyMeta changes the config as a metadata instruction does, as docker's
// classic builder's dispatchers, and returns the text its history entry
// names it by ("ENV A=b", `CMD ["sh"]`). cmdSet says whether the stage
// has set CMD: ENTRYPOINT drops an inherited Cmd, not the stage's own.
func applyMeta(cfg *v1.ConfigFile, cmd instructions.Command, cmdSet bool) (string, error) {
	c := &cfg.Config
	switch cmd := cmd.(type) {
	case *instructions.EnvCommand:
		var words []string
		for _, kv := range cmd.Env {
			c.Env = setEnv(c.Env, kv.Key+"="+kv.Value)
			words = append(words, kv.Key+"="+kv.Value)
		}
		return "ENV " + strings.Join(words, " "), nil
	case *instructions.LabelCommand:
		if c.Labels == nil {
			c.Labels = map[string]string{}
		}
		var words []string
		for _, kv := range cmd.Labels {
			c.Labels[kv.Key] = kv.Value
			words = append(words, kv.Key+"="+kv.Value)
		}
		return "LABEL " + strings.Join(words, " "), nil
	case *instructions.MaintainerCommand:
		cfg.Author = cmd.Maintainer
		return "MAINTAINER " + cmd.Maintainer, nil
	case *instructions.UserCommand:
		c.User = cmd.User
		return "USER " + cmd.User, nil
	case *instructions.StopSignalCommand:
		c.StopSignal = cmd.Signal
		return "STOPSIGNAL " + cmd.Signal, nil
	case *instructions.CmdCommand:
		c.Cmd = argv(c, cmd.ShellDependantCmdLine)
		return fmt.Sprintf("CMD %q", c.Cmd), nil
	case *instructions.EntrypointCommand:
		c.Entrypoint = argv(c, cmd.ShellDependantCmdLine)
		if !cmdSet {
			c.Cmd = nil
		}
		return fmt.Sprintf("ENTRYPOINT %q", c.Entrypoint), nil
	case *instructions.ShellCommand:
		c.Shell = append([]string{}, cmd.Shell...)
		return fmt.Sprintf("SHELL %v", c.Shell), nil
	case *instructions.VolumeCommand:
		return applyVolume(c, cmd), nil
	case *instructions.ExposeCommand:
		return applyExpose(c, cmd.Ports)
	case *instructions.HealthCheckCommand:
		return applyHealthcheck(c, cmd), nil
	case *instructions.OnbuildCommand:
		c.OnBuild = append(c.OnBuild, cmd.Expression)
		return "ONBUILD " + cmd.Expression, nil
	}
	return "", fmt.Errorf("%s: not a metadata instruction", cmd.Name())
}

func applyVolume(c *v1.Config, cmd *instructions.VolumeCommand) string {
	if c.Volumes == nil {
		c.Volumes = map[string]struct{}{}
	}
	for _, v := range cmd.Volumes {
		if cmd.Unset {
			delete(c.Volumes, v)
		} else {
			c.Volumes[v] = struct{}{}
		}
	}
	return fmt.Sprintf("VOLUME %v", cmd.Volumes)
}

// applyExpose adds the ports, PORT[-PORT][/PROTO] (tcp by default), as
// docker's EXPOSE: its history names the new ones, sorted.
func applyExpose(c *v1.Config, specs []string) (string, error) {
	if c.ExposedPorts == nil {
		c.ExposedPorts = map[string]struct{}{}
	}
	added := map[string]struct{}{}
	for _, spec := range specs {
		ports, proto, _ := strings.Cut(spec, "/")
		if proto == "" {
			proto = "tcp"
		}
		proto = strings.ToLower(proto)
		lo, hi, isRange := strings.Cut(ports, "-")
		if !isRange {
			hi = lo
		}
		first, err1 := strconv.Atoi(lo)
		last, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || first < 0 || last > 65535 || first > last || (proto != "tcp" && proto != "udp" && proto != "sctp") {
			return "", fmt.Errorf("EXPOSE: invalid port %q: want PORT[-PORT][/tcp|udp|sctp]", spec)
		}
		for p := first; p <= last; p++ {
			added[fmt.Sprintf("%d/%s", p, proto)] = struct{}{}
		}
	}
	maps.Copy(c.ExposedPorts, added)
	list := make([]string, 0, len(added))
	for p := range added {
		list = append(list, p)
	}
	sort.Strings(list)
	return "EXPOSE " + strings.Join(list, " "), nil
}

// applyHealthcheck sets or (NONE) disables the health check; as docker,
// options not given keep 0, the runtime's defaults.
func applyHealthcheck(c *v1.Config, cmd *instructions.HealthCheckCommand) string {
	h := cmd.Health
	c.Healthcheck = &v1.HealthConfig{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout,
		StartPeriod: h.StartPeriod, Retries: h.Retries}
	// docker's classic builder prints its struct with %q; the same
	// fields, so that the history reads alike.
	return fmt.Sprintf("HEALTHCHECK &{%q %q %q %q %d}", h.Test, h.Interval.String(), h.Timeout.String(), h.StartPeriod.String(), h.Retries)
}

// workdir is the WORKDIR path as docker resolves it: a relative one goes
// under the current one.
func workdir(current, p string) string {
	if !path.IsAbs(p) {
		p = path.Join("/", current, p)
	}
	return path.Clean(p)
}

// withDefaultPath adds docker's default PATH to the Env a stage starts
// with when its base sets none, as docker's builders (the classic one's
// beginStage, BuildKit's dispatch) and buildah do: it is in the image they
// make, not only in what its RUNs see, so that a runtime that adds no PATH
// of its own finds the image's commands too.
func withDefaultPath(cfg *v1.ConfigFile) *v1.ConfigFile {
	if !hasKey(cfg.Config.Env, "PATH") {
		cfg.Config.Env = append(cfg.Config.Env, defaultPath)
	}
	return cfg
}
