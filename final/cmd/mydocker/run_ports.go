package main

import (
	"fmt"
	"strings"

	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/network"
)

// portFlags are run's and create's flags that publish ports, docker's.
func portFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "p", Aliases: []string{"publish"}, Usage: "publish a container's port: [IP:][HOSTPORT|HOSTRANGE:]CONTAINERPORT[-CONTAINERPORT][/tcp|/udp]; no host port: a free one (repeatable)"},
		&cli.StringSliceFlag{Name: "expose", Usage: "expose a port or a range, PORT[-PORT][/tcp|/udp], without publishing it (-P does) (repeatable)"},
		&cli.BoolFlag{Name: "P", Aliases: []string{"publish-all"}, Usage: "publish every exposed port (the image's EXPOSE and --expose) to a free host port"},
	}
}

// parsePorts checks -p, --expose and -P before anything is made. A bad
// spec is one line and exit 125, as docker's.
func parsePorts(cmd *cli.Command, opts *container.RunOptions) error {
	for _, spec := range cmd.StringSlice("p") {
		spec, err := standardNotation(spec)
		if err != nil {
			return err
		}
		ports, err := network.ParsePublish(spec)
		if err != nil {
			return err
		}
		opts.Ports = append(opts.Ports, ports...)
	}
	for _, spec := range cmd.StringSlice("expose") {
		if _, err := network.ParseExpose(spec); err != nil {
			return err
		}
	}
	opts.PublishAll = cmd.Bool("P")
	if opts.PublishAll && opts.Network == "" {
		// As docker: nothing to publish to, and no error.
		if opts.HostNetwork {
			logrus.Warn("Published ports are discarded when using host network mode")
		}
		opts.PublishAll = false
	}
	return nil
}

// standardNotation turns docker's long form of -p,
// published=8080,target=80[,protocol=udp][,mode=host], into its short
// one, 8080:80/udp, as docker's CLI does; a short form stays as it is.
func standardNotation(spec string) (string, error) {
	if !strings.Contains(spec, "=") {
		return spec, nil
	}
	params := map[string]string{"protocol": "tcp"}
	for _, param := range strings.Split(spec, ",") {
		k, v, ok := strings.Cut(param, "=")
		if !ok || k == "" {
			return "", fmt.Errorf("invalid publish opts format (should be name=value but got '%s')", param)
		}
		params[k] = v
	}
	return fmt.Sprintf("%s:%s/%s", params["published"], params["target"], params["protocol"]), nil
}

// exposedPorts is the container's Config.ExposedPorts, as docker's: the
// image's, --expose's and every port -p publishes, 80/tcp each. An
// image's entry that is no port of ours (sctp) is kept as it is.
func exposedPorts(image map[string]struct{}, cmd *cli.Command, ports []network.Port) map[string]struct{} {
	exposed := map[string]struct{}{}
	for p := range image {
		if key, _, _, ok := network.ExposedKey(p); ok {
			p = key
		}
		exposed[p] = struct{}{}
	}
	for _, spec := range cmd.StringSlice("expose") {
		keys, _ := network.ParseExpose(spec) // checked by parsePorts
		for _, k := range keys {
			exposed[k] = struct{}{}
		}
	}
	for _, p := range ports {
		exposed[p.Key()] = struct{}{}
	}
	if len(exposed) == 0 {
		return nil
	}
	return exposed
}
