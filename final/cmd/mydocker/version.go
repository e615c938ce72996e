package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"text/template"
	"time"

	"github.com/urfave/cli/v3"
	"golang.org/x/sys/unix"
)

// version and gitCommit are set at build time
// (-ldflags "-X main.version=... -X main.gitCommit=..."); without it the
// commit comes from the build's VCS stamp, when there is one.
var (
	version   = "0.1.0"
	gitCommit = ""
)

// versionInfo is what docker version prints, with docker's field names,
// so that --format '{{.Client.Version}}' and '{{.Server.Version}}' work.
// mydocker has no daemon: the "server" is this same binary, which does
// the work itself.
type versionInfo struct {
	Client clientVersion
	Server serverVersion
}

type clientVersion struct {
	Platform   struct{ Name string }
	Version    string
	APIVersion string `json:"ApiVersion"`
	GitCommit  string
	GoVersion  string
	Os         string
	Arch       string
	BuildTime  string `json:",omitempty"`
}

type serverVersion struct {
	Platform      struct{ Name string }
	Version       string
	APIVersion    string `json:"ApiVersion"`
	GitCommit     string
	GoVersion     string
	Os            string
	Arch          string
	KernelVersion string
	BuildTime     string `json:",omitempty"`
}

// buildStamp is the commit (12 digits, as docker's short ones are 7) and
// the time of the build, from -ldflags or the VCS stamp.
func buildStamp() (commit, built string) {
	commit = gitCommit
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && commit == "":
				commit = s.Value
			case s.Key == "vcs.time":
				if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
					built = t.Format(time.ANSIC)
				}
			}
		}
	}
	if len(commit) > 7 {
		commit = commit[:7]
	}
	if commit == "" {
		commit = "unknown"
	}
	return commit, built
}

func currentVersion() versionInfo {
	commit, built := buildStamp()
	v := versionInfo{
		Client: clientVersion{Version: version, GitCommit: commit, GoVersion: runtime.Version(),
			Os: runtime.GOOS, Arch: runtime.GOARCH, BuildTime: built},
		Server: serverVersion{Version: version, GitCommit: commit, GoVersion: runtime.Version(),
			Os: runtime.GOOS, Arch: runtime.GOARCH, KernelVersion: kernelVersion(), BuildTime: built},
	}
	v.Client.Platform.Name = "mydocker"
	v.Server.Platform.Name = "mydocker Engine"
	return v
}

// kernelVersion is uname's release, as docker's KernelVersion.
func kernelVersion() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}

// versionCommand prints the version, as docker version: a Client and a
// Server block, or --format of them.
func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "show the mydocker version information",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: `a Go template, such as '{{.Client.Version}}' or '{{json .}}'`},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			v := currentVersion()
			if f := cmd.String("format"); f != "" {
				return printTemplate(f, v)
			}
			w := tabwriter.NewWriter(os.Stdout, 0, 8, 1, ' ', 0)
			fmt.Fprintf(w, "Client:\n Version:\t%s\n Go version:\t%s\n Git commit:\t%s\n", v.Client.Version, v.Client.GoVersion, v.Client.GitCommit)
			if v.Client.BuildTime != "" {
				fmt.Fprintf(w, " Built:\t%s\n", v.Client.BuildTime)
			}
			fmt.Fprintf(w, " OS/Arch:\t%s/%s\n\n", v.Client.Os, v.Client.Arch)
			fmt.Fprintf(w, "Server: %s\n Engine:\n  Version:\t%s\n  Go version:\t%s\n  Git commit:\t%s\n", v.Server.Platform.Name, v.Server.Version, v.Server.GoVersion, v.Server.GitCommit)
			if v.Server.BuildTime != "" {
				fmt.Fprintf(w, "  Built:\t%s\n", v.Server.BuildTime)
			}
			fmt.Fprintf(w, "  OS/Arch:\t%s/%s\n  Kernel Version:\t%s\n", v.Server.Os, v.Server.Arch, v.Server.KernelVersion)
			return w.Flush()
		},
	}
}

// printTemplate prints data through the Go template format, as docker's
// --format does for one object: the functions of inspect's -f, on the
// value itself (docker's field names), one line.
func printTemplate(format string, data any) error {
	tmpl, err := template.New("format").Funcs(templateFuncs).Parse(format)
	if err != nil {
		return fmt.Errorf("template parsing error: %w", err)
	}
	var sb strings.Builder
	if err := tmpl.Execute(&sb, data); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	fmt.Println(sb.String())
	return nil
}

// printVersion is --version: docker's one line.
func printVersion(cmd *cli.Command) {
	commit, _ := buildStamp()
	fmt.Fprintf(cmd.Root().Writer, "mydocker version %s, build %s\n", version, commit)
}

func init() { cli.VersionPrinter = printVersion }
