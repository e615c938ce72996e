package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/template"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/image"
	"github.com/mydocker/mydocker/final/network"
	"github.com/mydocker/mydocker/final/state"
)

// inspectCommand prints containers and images as docker inspect does: a
// JSON array of objects shaped like docker's, or -f TEMPLATE of each.
func inspectCommand() *cli.Command {
	return &cli.Command{
		Name:      "inspect",
		Usage:     "show containers or images as JSON (-f: a Go template of each, as docker's)",
		ArgsUsage: "CONTAINER|IMAGE...",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "f", Aliases: []string{"format"}, Usage: `json, or a Go template, such as '{{.State.Pid}}' or '{{json .Config}}'`},
			&cli.StringFlag{Name: "type", Usage: "container or image: look for that kind only"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() == 0 {
				return errors.New("inspect: want at least one container or image")
			}
			if t := cmd.String("type"); t != "" && t != "container" && t != "image" {
				return fmt.Errorf("%q is not a valid value for --type", t)
			}
			var tmpl *template.Template
			if f := cmd.String("f"); f != "" {
				var err error
				if tmpl, err = parseInspectFormat(f); err != nil {
					return err
				}
			}
			var found []any
			failed := false
			for _, ref := range cmd.Args().Slice() {
				obj, err := inspectOne(cmd, ref)
				if err != nil {
					fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
					failed = true
					continue
				}
				found = append(found, obj)
			}
			if err := printInspected(found, tmpl); err != nil {
				return err
			}
			if failed {
				return exitStatus(exitFailure)
			}
			return nil
		},
	}
}

// parseInspectFormat parses an inspect -f: a template, or json.
func parseInspectFormat(f string) (*template.Template, error) {
	if f == "json" { // docker's shorthand
		f = "{{json .}}"
	}
	tmpl, err := template.New("format").Funcs(templateFuncs).Parse(f)
	if err != nil {
		return nil, fmt.Errorf("inspect: template %q: %w", f, err)
	}
	return tmpl, nil
}

// printInspected prints the objects: a JSON array, or the template of each
// on a line. A template sees the object as its JSON reads (docker's field
// names), so it is applied to that.
func printInspected(found []any, tmpl *template.Template) error {
	if tmpl == nil {
		if found == nil {
			found = []any{}
		}
		out, err := json.MarshalIndent(found, "", "    ")
		if err != nil {
			return err
		}
		fmt.Println(string(out))
		return nil
	}
	for _, obj := range found {
		var generic any
		b, err := json.Marshal(obj)
		if err == nil {
			// Numbers stay as written (500000000, not 5e+08).
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			err = dec.Decode(&generic)
		}
		if err != nil {
			return err
		}
		var sb strings.Builder
		if err := tmpl.Execute(&sb, generic); err != nil {
			return fmt.Errorf("inspect: template: %w", err)
		}
		fmt.Println(sb.String())
	}
	return nil
}

// inspectOne finds ref as a container first, then as an image, as
// docker; --type container or image looks for that kind alone.
func inspectOne(cmd *cli.Command, ref string) (any, error) {
	kind := cmd.String("type")
	if kind != "image" {
		s, st, err := findContainer(cmd, ref)
		if err == nil {
			return containerJSON(s, st), nil
		}
		if !errors.Is(err, state.ErrNotFound) {
			return nil, err
		}
		if kind == "container" {
			return nil, fmt.Errorf("no such container: %s", ref)
		}
	}
	images := imageStore(cmd)
	img, ierr := images.Get(ref)
	if ierr != nil {
		if kind == "image" {
			return nil, fmt.Errorf("no such image: %s", ref)
		}
		return nil, fmt.Errorf("no such object: %s", ref)
	}
	return imageJSON(images, img)
}

// dockerTime is a time as docker prints it, or its zero value.
func dockerTime(t time.Time) string {
	if t.IsZero() {
		return "0001-01-01T00:00:00Z"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// containerJSON is the container as docker inspect shows one.
func containerJSON(s state.Store, st *state.Container) map[string]any {
	code := 0
	if st.ExitCode != nil {
		code = *st.ExitCode
	}
	running := st.Status == state.Running && st.Init.Alive()
	pid := 0
	if running {
		pid = st.Init.PID
	}
	var path string
	var args []string
	if len(st.Command) > 0 {
		path, args = st.Command[0], st.Command[1:]
	}
	var binds []string
	var mounts []map[string]any
	for _, v := range st.Volumes {
		// Name and Driver, empty, as a template over docker's typed
		// mount point sees them (not "<no value>").
		m := map[string]any{"Type": "bind", "Name": "", "Driver": "", "Source": v.Host, "Destination": v.Container, "Mode": "", "RW": !v.ReadOnly, "Propagation": "rprivate"}
		if v.Name != "" {
			m = map[string]any{"Type": "volume", "Name": v.Name, "Source": v.Host, "Destination": v.Container,
				"Driver": "local", "Mode": "", "RW": !v.ReadOnly, "Propagation": ""}
		}
		mounts = append(mounts, m)
		if v.Anonymous {
			continue // docker's Binds has what -v named
		}
		bind := v.Host + ":" + v.Container
		if v.Name != "" {
			bind = v.Name + ":" + v.Container
		}
		if v.ReadOnly {
			bind += ":ro"
		}
		binds = append(binds, bind)
	}
	tmpfs := map[string]string{}
	for _, t := range st.Tmpfs {
		tmpfs[t.Container] = strings.Join(t.Options, ",")
	}
	netMode, ip, gateway := "none", "", ""
	switch {
	case st.NetworkContainer != "":
		netMode = "container:" + st.NetworkContainer
	case st.HostNetwork:
		netMode = "host"
	}
	networks := map[string]any{}
	if st.Endpoint != nil {
		netMode, ip = st.Endpoint.Network, st.IP() // "" once exited, as docker
	}
	for _, ep := range st.Endpoints() {
		epIP, epGateway := ep.IP, ""
		if st.Status == state.Exited {
			epIP = ""
		}
		netID := ""
		if n, err := (network.Store{Root: s.Root}).Get(ep.Network); err == nil {
			epGateway, netID = n.Gateway, n.NetworkID()
		}
		if ep == st.Endpoint {
			gateway = epGateway
		}
		var dnsNames []string
		if ep.Network != network.DefaultName {
			dnsNames = append([]string{st.Name, st.ShortID()}, ep.Aliases...)
		}
		networks[ep.Network] = map[string]any{"IPAddress": epIP, "Gateway": epGateway, "MacAddress": network.MACOf(epIP),
			"Aliases": ep.Aliases, "DNSNames": dnsNames, "NetworkID": netID}
	}
	// On host or none, docker names that network here, with no address.
	if n := network.PredefinedNamed(netMode); n != nil {
		networks[n.Name] = map[string]any{"IPAddress": "", "Gateway": "", "MacAddress": "",
			"Aliases": nil, "DNSNames": nil, "NetworkID": n.NetworkID()}
	}
	config := map[string]any{
		"Hostname": st.HostnameOrID(), "User": st.Config.User, "Env": orEmpty(st.Env),
		"Cmd": st.Config.Cmd, "Entrypoint": st.Config.Entrypoint, "Image": st.Image,
		"WorkingDir": st.Config.WorkingDir, "Tty": st.TTY, "OpenStdin": st.OpenStdin,
		"Healthcheck": st.Healthcheck,
	}
	if len(st.Config.ExposedPorts) > 0 {
		config["ExposedPorts"] = st.Config.ExposedPorts // omitted when none, as docker's
	}
	stateJSON := map[string]any{
		"Status": st.DockerState(), "Running": running || st.Restarting(), "Paused": running && st.Paused(),
		"Restarting": st.Restarting(), "OOMKilled": st.OOMKilled, "Dead": false, "Pid": pid, "ExitCode": code, "Error": "",
		"StartedAt": dockerTime(st.StartedAt), "FinishedAt": dockerTime(st.FinishedAt),
	}
	if st.Healthcheck.Enabled() && st.Health != nil {
		stateJSON["Health"] = st.Health
	}
	restart := st.Restart.Name
	if restart == "" {
		restart = "no"
	}
	return map[string]any{
		"Id": st.ID, "Name": "/" + st.Name, "Created": dockerTime(st.Created),
		"Path": path, "Args": orEmpty(args), "Image": st.ImageID,
		"State":        stateJSON,
		"RestartCount": st.Restarts, "LogPath": st.LogPath(),
		"Config": processConfig(st.Config, config),
		"HostConfig": processHostConfig(st, map[string]any{
			"Binds": binds, "NetworkMode": netMode, "PortBindings": container.PortBindings(st), "PublishAllPorts": st.PublishAll, "AutoRemove": st.AutoRemove,
			"RestartPolicy": map[string]any{"Name": restart, "MaximumRetryCount": st.Restart.MaxRetries},
			"Memory":        st.Resources.Memory, "CpuShares": st.Resources.CPUShares, "CpusetCpus": st.Resources.CPUSet,
			"NanoCpus": st.Resources.NanoCPUs, "PidsLimit": st.Resources.PidsLimit,
			"ReadonlyRootfs": st.ReadOnly, "Tmpfs": tmpfs,
			"Dns": orEmpty(st.DNS.Servers), "DnsSearch": orEmpty(st.DNS.Search), "DnsOptions": orEmpty(st.DNS.Options),
			"ExtraHosts": st.DNS.ExtraHosts,
		}),
		"NetworkSettings": map[string]any{"IPAddress": ip, "Gateway": gateway, "Ports": container.NetworkPorts(st), "Networks": networks},
		"Mounts":          orEmptyMounts(mounts),
	}
}

// imageJSON is the image as docker image inspect shows one.
func imageJSON(images image.Store, img *image.Image) (map[string]any, error) {
	cfg, err := images.Config(img)
	if err != nil {
		return nil, err
	}
	var tags, digests, layers []string
	for _, t := range img.RepoTags {
		tags = append(tags, image.Familiar(t))
	}
	for _, d := range img.RepoDigests {
		digests = append(digests, image.Familiar(d))
	}
	for _, l := range img.Layers {
		layers = append(layers, l.DiffID)
	}
	return map[string]any{
		"Id": img.ID, "RepoTags": orEmpty(tags), "RepoDigests": orEmpty(digests),
		"Created": dockerTime(img.Created), "Architecture": cfg.Architecture, "Os": cfg.OS,
		"Size": img.Size(), "Config": cfg.Config, "History": cfg.History,
		"RootFS": map[string]any{"Type": "layers", "Layers": layers},
	}, nil
}

// orEmpty makes a nil list print as [], as docker's do.
func orEmpty(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

func orEmptyMounts(list []map[string]any) []map[string]any {
	if list == nil {
		return []map[string]any{}
	}
	return list
}
