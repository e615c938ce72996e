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
			exportCommand(), inspectCommand(), killCommand(), logsCommand(),
			named(psCommand(), "ls", "ps", "list"), pauseCommand(), renameCommand(), restartCommand(),
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
			historyCommand(), importCommand(), inspectCommand(), loadCommand(),
			named(imagesCommand(), "ls", "list"), pullCommand(), named(rmiCommand(), "rm", "remove"),
			saveCommand(), tagCommand(), imagePruneCommand(),
		},
	}
}

// named gives cmd the name (and aliases) it has in a group.
func named(cmd *cli.Command, name string, aliases ...string) *cli.Command {
	cmd.Name, cmd.Aliases = name, aliases
	return cmd
}
