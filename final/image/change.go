package image

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/docker/go-connections/nat"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/mydocker/mydocker/final/internal/envlist"
)

// ApplyChange applies one Dockerfile instruction to an image's config, as
// "docker import --change" and "docker commit --change" do: CMD,
// ENTRYPOINT (JSON or shell form), ENV, EXPOSE, HEALTHCHECK, LABEL,
// STOPSIGNAL, USER, VOLUME and WORKDIR.
func ApplyChange(cfg *v1.Config, change string) error {
	word, rest, _ := strings.Cut(strings.TrimSpace(change), " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToUpper(word) {
	case "CMD":
		cmd, err := commandForm(rest)
		cfg.Cmd = cmd
		return wrapChange(change, err)
	case "ENTRYPOINT":
		ep, err := commandForm(rest)
		cfg.Entrypoint = ep
		return wrapChange(change, err)
	case "ENV":
		key, value, ok := strings.Cut(rest, "=")
		if !ok {
			key, value, ok = strings.Cut(rest, " ")
		}
		if !ok || key == "" {
			return wrapChange(change, fmt.Errorf("want ENV KEY=VALUE"))
		}
		cfg.Env = MergeEnv(cfg.Env, []string{key + "=" + strings.TrimSpace(value)})
	case "WORKDIR":
		if !strings.HasPrefix(rest, "/") {
			return wrapChange(change, fmt.Errorf("WORKDIR must be an absolute path"))
		}
		cfg.WorkingDir = rest
	case "USER":
		if rest == "" {
			return wrapChange(change, fmt.Errorf("want USER NAME[:GROUP]"))
		}
		cfg.User = rest
	case "VOLUME":
		paths, err := listForm(rest)
		if err != nil {
			return wrapChange(change, err)
		}
		for _, p := range paths {
			if !strings.HasPrefix(p, "/") {
				return wrapChange(change, fmt.Errorf("VOLUME %q is not an absolute path", p))
			}
			if cfg.Volumes == nil {
				cfg.Volumes = map[string]struct{}{}
			}
			cfg.Volumes[p] = struct{}{}
		}
	case "EXPOSE":
		return wrapChange(change, expose(cfg, rest))
	case "LABEL":
		key, value, ok := strings.Cut(rest, "=")
		if !ok || key == "" {
			return wrapChange(change, fmt.Errorf("want LABEL KEY=VALUE"))
		}
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		cfg.Labels[key] = strings.Trim(value, `"`)
	case "HEALTHCHECK":
		h, err := healthcheckForm(rest)
		if err != nil {
			return wrapChange(change, err)
		}
		cfg.Healthcheck = h
	case "STOPSIGNAL":
		if rest == "" {
			return wrapChange(change, fmt.Errorf("want STOPSIGNAL SIGNAL"))
		}
		cfg.StopSignal = rest
	default:
		return wrapChange(change, fmt.Errorf("only CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, STOPSIGNAL, USER, VOLUME and WORKDIR can be changed"))
	}
	return nil
}

// listForm reads ["/a", "/b"] or /a /b.
func listForm(s string) ([]string, error) {
	if strings.HasPrefix(s, "[") {
		var list []string
		if err := json.Unmarshal([]byte(s), &list); err != nil {
			return nil, fmt.Errorf("not a JSON list of strings: %w", err)
		}
		return list, nil
	}
	if s == "" {
		return nil, fmt.Errorf("empty list")
	}
	return strings.Fields(s), nil
}

// expose adds EXPOSE's ports (80, 80/udp, 8000-8002/tcp) to the config's
// ExposedPorts, as docker's builder writes them: one key a port, 80/tcp.
func expose(cfg *v1.Config, ports string) error {
	fields := strings.Fields(ports)
	if len(fields) == 0 {
		return fmt.Errorf("want EXPOSE PORT[/PROTO]...")
	}
	for _, f := range fields {
		proto, port := nat.SplitProtoPort(f)
		proto = strings.ToLower(proto)
		start, end, err := nat.ParsePortRangeToInt(port)
		if err != nil || start == 0 || (proto != "tcp" && proto != "udp" && proto != "sctp") {
			return fmt.Errorf("invalid port %q: want PORT[/tcp|/udp]", f)
		}
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = map[string]struct{}{}
		}
		for p := start; p <= end; p++ {
			cfg.ExposedPorts[fmt.Sprintf("%d/%s", p, proto)] = struct{}{}
		}
	}
	return nil
}

func wrapChange(change string, err error) error {
	if err != nil {
		return fmt.Errorf("--change %q: %w", change, err)
	}
	return nil
}

// commandForm reads ["sh", "-c", "x"] (exec form) or a shell form, which
// runs under /bin/sh -c as in a Dockerfile.
func commandForm(s string) ([]string, error) {
	if strings.HasPrefix(s, "[") {
		var argv []string
		if err := json.Unmarshal([]byte(s), &argv); err != nil {
			return nil, fmt.Errorf("not a JSON list of strings: %w", err)
		}
		return argv, nil
	}
	if s == "" {
		return nil, fmt.Errorf("empty command")
	}
	return []string{"/bin/sh", "-c", s}, nil
}

// MergeEnv is env with each KEY=VALUE of over put in, replacing the
// same KEY, keeping the order of env (docker's rule for -e over the
// image's Env): envlist.Merge, which the container's init uses too.
func MergeEnv(env, over []string) []string { return envlist.Merge(env, over) }

// healthcheckForm reads HEALTHCHECK NONE, or HEALTHCHECK [--interval=D]
// [--timeout=D] [--start-period=D] [--retries=N] CMD command (shell or
// exec form), as a Dockerfile's.
func healthcheckForm(s string) (*v1.HealthConfig, error) {
	if strings.EqualFold(strings.TrimSpace(s), "NONE") {
		return &v1.HealthConfig{Test: []string{"NONE"}}, nil
	}
	h := &v1.HealthConfig{}
	for strings.HasPrefix(s, "--") {
		opt, rest, _ := strings.Cut(s, " ")
		s = strings.TrimSpace(rest)
		key, value, ok := strings.Cut(strings.TrimPrefix(opt, "--"), "=")
		if !ok {
			return nil, fmt.Errorf("HEALTHCHECK option %q: want --KEY=VALUE", opt)
		}
		var err error
		switch key {
		case "interval":
			h.Interval, err = time.ParseDuration(value)
		case "timeout":
			h.Timeout, err = time.ParseDuration(value)
		case "start-period":
			h.StartPeriod, err = time.ParseDuration(value)
		case "retries":
			h.Retries, err = strconv.Atoi(value)
		default:
			return nil, fmt.Errorf("HEALTHCHECK: unknown option --%s", key)
		}
		if err != nil {
			return nil, fmt.Errorf("HEALTHCHECK --%s=%s: %w", key, value, err)
		}
	}
	word, rest, _ := strings.Cut(s, " ")
	if !strings.EqualFold(word, "CMD") {
		return nil, fmt.Errorf("want HEALTHCHECK [OPTIONS] CMD command, or HEALTHCHECK NONE")
	}
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, "[") {
		argv, err := commandForm(rest)
		if err != nil {
			return nil, err
		}
		h.Test = append([]string{"CMD"}, argv...)
	} else if rest != "" {
		h.Test = []string{"CMD-SHELL", rest}
	} else {
		return nil, fmt.Errorf("HEALTHCHECK CMD: empty command")
	}
	return h, nil
}
