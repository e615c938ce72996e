package main

import "github.com/urfave/cli/v3"

// containerCommand is docker's "container" group: the container commands
// under the names docker gives them there (container ls, container rm…),
// each the top-level command itself, flags and all.
func containerCommand() *cli.Command {
	return &cli.Command{
		Name:  "container",
		Usage: "manage containers",
		Commands: []*cli.Command{
			attachCommand(), commitCommand(), cpCommand(), createCommand(), diffCommand(), execCommand(),
			exportCommand(), inspectOf("container"), killCommand(), logsCommand(),
			named(psCommand(), "ls", "ps", "list"), pauseCommand(), portCommand(), renameCommand(), restartCommand(),
			named(rmCommand(), "rm", "remove"), runCommand(), startCommand(), statsCommand(), stopCommand(),
			topCommand(), unpauseCommand(), updateCommand(), waitCommand(), containerPruneCommand(),
		},
	}
}

// imageCommand is docker's "image" group.
func imageCommand() *cli.Command {
	return &cli.Command{
		Name:  "image",
		Usage: "manage images",
		Commands: []*cli.Command{
			buildCommand(), historyCommand(), importCommand(), inspectOf("image"), loadCommand(),
			named(imagesCommand(), "ls", "list"), pullCommand(), pushCommand(), named(rmiCommand(), "rm", "remove"),
			saveCommand(), tagCommand(), imagePruneCommand(),
		},
	}
}

// named gives cmd the name (and aliases) it has in a group.
func named(cmd *cli.Command, name string, aliases ...string) *cli.Command {
	cmd.Name, cmd.Aliases = name, aliases
	return cmd
}

// inspectOf is inspect for one kind of object, as docker's container
// inspect and image inspect: its --type says that kind unless told.
func inspectOf(kind string) *cli.Command {
	cmd := inspectCommand()
	for _, f := range cmd.Flags {
		if t, ok := f.(*cli.StringFlag); ok && t.Name == "type" {
			t.Value, t.Hidden = kind, true
		}
	}
	return cmd
}
