package main

import (
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
