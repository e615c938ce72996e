package build

import (
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// proxyArgs are docker's predefined ARGs: usable without an ARG line,
// and, as docker, left out of the history.
var proxyArgs = []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
	"FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"}

// args are the build args as one stage sees them: --build-arg's values,
// the meta args (declared before the first FROM), and the ARGs the stage
// has declared so far, which alone (and the proxy args) reach its RUN
// steps and its expansions.
type args struct {
	given    map[string]string // --build-arg
	meta     map[string]string // ARG before FROM, with --build-arg over them
	declared []string          // in the stage, in order
	values   map[string]string // of the declared ones that have one
}

// platformArgs are BuildKit's automatic platform args: in scope for FROM
// without an ARG line (FROM --platform=$BUILDPLATFORM), and in a stage
// once it declares them (ARG TARGETARCH). The build and the target
// platform are both this machine's: nothing else builds here.
func platformArgs() map[string]string {
	goos, arch, variant := "linux", runtime.GOARCH, ""
	if arch == "arm" {
		variant = "v7"
	}
	plat := goos + "/" + arch
	if variant != "" {
		plat += "/" + variant
	}
	m := map[string]string{}
	for _, side := range []string{"BUILD", "TARGET"} {
		m[side+"PLATFORM"], m[side+"OS"], m[side+"ARCH"], m[side+"VARIANT"] = plat, goos, arch, variant
	}
	return m
}

// metaArgs resolves the ARGs before the first FROM: --build-arg over
// their defaults, each default expanded with those before it, and the
// automatic platform args.
func metaArgs(cmds []instructions.ArgCommand, given map[string]string, lex *shell.Lex) (map[string]string, error) {
	meta := platformArgs()
	for _, c := range cmds {
		for _, kv := range c.Args {
			if v, ok := given[kv.Key]; ok {
				meta[kv.Key] = v
				continue
			}
			if kv.Value == nil {
				continue
			}
			v, _, err := lex.ProcessWord(*kv.Value, shell.EnvsFromSlice(envOf(meta)))
			if err != nil {
				return nil, err
			}
			meta[kv.Key] = v
		}
	}
	return meta, nil
}

// unusedArgs are the --build-arg keys that no built stage and no ARG
// before FROM declares, sorted: docker's classic builder warns of them
// (a typo in a --build-arg is otherwise silent). The proxy args need no
// ARG line and are never unused.
func unusedArgs(given map[string]string, declared map[string]bool) []string {
	var out []string
	for k := range given {
		if !declared[k] && !slices.Contains(proxyArgs, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func newArgs(given, meta map[string]string) *args {
	return &args{given: given, meta: meta, values: map[string]string{}}
}

// declare is an ARG line of the stage (its default already expanded):
// --build-arg's value wins, then the default, then a meta arg's value.
func (a *args) declare(key string, def *string) {
	if !slices.Contains(a.declared, key) {
		a.declared = append(a.declared, key)
	}
	if v, ok := a.given[key]; ok {
		a.values[key] = v
	} else if def != nil {
		a.values[key] = *def
	} else if v, ok := a.meta[key]; ok {
		a.values[key] = v
	}
}

// env is the declared args with values, and the proxy args given, as
// KEY=VALUE, sorted: what RUN gets under the image's Env.
func (a *args) env() []string {
	var env []string
	for k, v := range a.values {
		env = append(env, k+"="+v)
	}
	for _, k := range proxyArgs {
		if v, ok := a.given[k]; ok && !slices.Contains(a.declared, k) {
			env = append(env, k+"="+v)
		}
	}
	sort.Strings(env)
	return env
}

// historyArgs are the args a RUN's history shows (docker's "|N K=V"):
// the declared ones with values that Env does not override; the proxy
// args are never shown.
func (a *args) historyArgs(imageEnv []string) []string {
	var out []string
	for k, v := range a.values {
		if slices.Contains(proxyArgs, k) || hasKey(imageEnv, k) {
			continue
		}
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// expansionEnv is what $VAR expands to in an instruction: the args, with
// the image's Env over them (ENV wins over ARG, as docker's).
func (a *args) expansionEnv(imageEnv []string) []string {
	return mergeEnv(a.env(), imageEnv)
}

// envOf is a map as KEY=VALUE lines, sorted.
func envOf(m map[string]string) []string {
	var env []string
	for k, v := range m {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	return env
}

// mergeEnv is base with over's variables replacing or added to it.
func mergeEnv(base, over []string) []string {
	out := slices.Clone(base)
	for _, kv := range over {
		out = setEnv(out, kv)
	}
	return out
}

// setEnv replaces KEY's line in env, or adds it at the end.
func setEnv(env []string, kv string) []string {
	key, _, _ := strings.Cut(kv, "=")
	for i, have := range env {
		if k, _, _ := strings.Cut(have, "="); k == key {
			env[i] = kv
			return env
		}
	}
	return append(env, kv)
}

func hasKey(env []string, key string) bool {
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == key {
			return true
		}
	}
	return false
}
