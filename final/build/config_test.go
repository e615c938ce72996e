package build

import (
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// parseOne parses one instruction line.
func parseOne(t *testing.T, line string) instructions.Command {
	t.Helper()
	res, err := parser.Parse(strings.NewReader(line))
	require.NoError(t, err)
	c, err := instructions.ParseCommand(res.AST.Children[0])
	require.NoError(t, err)
	// As the build does: words expanded, quotes taken off.
	if e, ok := c.(instructions.SupportsSingleWordExpansion); ok {
		require.NoError(t, e.Expand(func(w string) (string, error) {
			out, _, err := newTestLex().ProcessWord(w, shell.EnvsFromSlice(nil))
			return out, err
		}))
	}
	return c
}

func TestApplyMetaChangesTheConfigAndNamesTheStepAsDockers(t *testing.T) {
	cfg := &v1.ConfigFile{Config: v1.Config{Env: []string{"PATH=/bin", "A=0"}, Cmd: []string{"old"}}}
	for _, tc := range []struct{ line, text string }{
		{"ENV A=1 B=2", "ENV A=1 B=2"},
		{`LABEL "k"="v w"`, "LABEL k=v w"},
		{"USER app", "USER app"},
		{"STOPSIGNAL SIGINT", "STOPSIGNAL SIGINT"},
		{"EXPOSE 80 53/UDP 8000-8001", "EXPOSE 53/udp 80/tcp 8000/tcp 8001/tcp"},
		{"VOLUME /data", "VOLUME [/data]"},
		{`ENTRYPOINT ["/bin/app"]`, `ENTRYPOINT ["/bin/app"]`},
		{"SHELL [\"/bin/ash\", \"-c\"]", "SHELL [/bin/ash -c]"},
		{"CMD echo hi", `CMD ["/bin/ash" "-c" "echo hi"]`},
		{"HEALTHCHECK --interval=5s CMD true", `HEALTHCHECK &{["CMD-SHELL" "true"] "5s" "0s" "0s" 0}`},
		{"ONBUILD RUN echo x", "ONBUILD RUN echo x"},
		{"MAINTAINER me", "MAINTAINER me"},
	} {
		text, err := applyMeta(cfg, parseOne(t, tc.line), false)
		require.NoError(t, err, tc.line)
		assert.Equal(t, tc.text, text, tc.line)
	}
	c := cfg.Config
	assert.Equal(t, []string{"PATH=/bin", "A=1", "B=2"}, c.Env)
	assert.Equal(t, map[string]string{"k": "v w"}, c.Labels)
	assert.Equal(t, "app", c.User)
	assert.Equal(t, "SIGINT", c.StopSignal)
	assert.Len(t, c.ExposedPorts, 4)
	assert.Contains(t, c.Volumes, "/data")
	assert.Equal(t, []string{"/bin/app"}, c.Entrypoint)
	assert.Equal(t, []string{"/bin/ash", "-c", "echo hi"}, c.Cmd, "the shell form goes through SHELL")
	assert.Equal(t, 5*time.Second, c.Healthcheck.Interval)
	assert.Equal(t, []string{"RUN echo x"}, c.OnBuild)
	assert.Equal(t, "me", cfg.Author)
}

func TestEntrypointDropsAnInheritedCmdOnly(t *testing.T) {
	cfg := &v1.ConfigFile{Config: v1.Config{Cmd: []string{"sh"}}}
	_, err := applyMeta(cfg, parseOne(t, "ENTRYPOINT [\"top\"]"), false)
	require.NoError(t, err)
	assert.Nil(t, cfg.Config.Cmd)
	cfg.Config.Cmd = []string{"-b"}
	_, err = applyMeta(cfg, parseOne(t, "ENTRYPOINT [\"top\"]"), true)
	require.NoError(t, err)
	assert.Equal(t, []string{"-b"}, cfg.Config.Cmd, "the stage's own CMD stays")
}

func TestCreatedByAsTheClassicBuilder(t *testing.T) {
	c := &v1.Config{}
	assert.Equal(t, `/bin/sh -c #(nop)  CMD ["sh"]`, nopCreatedBy(c, `CMD ["sh"]`))
	assert.Equal(t, "/bin/sh -c echo hi", runCreatedBy([]string{"/bin/sh", "-c", "echo hi"}, nil))
	assert.Equal(t, "|2 A=1 B=2 /bin/sh -c echo $A", runCreatedBy([]string{"/bin/sh", "-c", "echo $A"}, []string{"A=1", "B=2"}))
	assert.Equal(t, "/bin/sh -c #(nop) COPY file:abc in /app ", copyCreatedBy(c, "COPY", "file:abc", "/app"))
	assert.Equal(t, "/app/sub", workdir("/app", "sub"))
	assert.Equal(t, "/x", workdir("/app", "/x/"))
	assert.Equal(t, "/sub", workdir("", "sub"))
}

func TestRunArgvOfHeredocs(t *testing.T) {
	c := &v1.Config{}
	run := func(src string) []string {
		res, err := parser.Parse(strings.NewReader(src))
		require.NoError(t, err)
		cmd, err := instructions.ParseCommand(res.AST.Children[0])
		require.NoError(t, err)
		return runArgv(c, cmd.(*instructions.RunCommand))
	}
	assert.Equal(t, []string{"/bin/sh", "-c", "echo a"}, run("RUN echo a\n"))
	assert.Equal(t, []string{"echo", "a"}, run("RUN [\"echo\", \"a\"]\n"))
	assert.Equal(t, []string{"/bin/sh", "-c", "echo 1\necho 2\n"}, run("RUN <<EOF\necho 1\necho 2\nEOF\n"))
	assert.Equal(t, []string{"/bin/sh", "-c", "cat <<EOF > /f\nx\nEOF"}, run("RUN cat <<EOF > /f\nx\nEOF\n"))
}

func TestWithDefaultPathAddsDockersPathOnlyWhenTheBaseHasNone(t *testing.T) {
	cfg := withDefaultPath(&v1.ConfigFile{Config: v1.Config{Env: []string{"A=1"}}})
	assert.Equal(t, []string{"A=1", defaultPath}, cfg.Config.Env)
	cfg = withDefaultPath(&v1.ConfigFile{Config: v1.Config{Env: []string{"PATH=/opt/bin", "A=1"}}})
	assert.Equal(t, []string{"PATH=/opt/bin", "A=1"}, cfg.Config.Env)
	cfg = withDefaultPath(&v1.ConfigFile{})
	assert.Equal(t, []string{defaultPath}, cfg.Config.Env)
}
