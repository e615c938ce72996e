package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/docker/cli/cli/config"
	"github.com/docker/cli/cli/config/types"
	"github.com/urfave/cli/v3"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/image"
)

// loginCommand keeps a registry's credentials where docker keeps them:
// $DOCKER_CONFIG/config.json (~/.docker), or its credential helper, once
// the registry has said they are good. pull and push use them.
func loginCommand() *cli.Command {
	return &cli.Command{
		Name:      "login",
		Usage:     "log in to a registry (Docker Hub by default)",
		ArgsUsage: "[SERVER]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "u", Aliases: []string{"username"}, Usage: "user name"},
			&cli.StringFlag{Name: "p", Aliases: []string{"password"}, Usage: "password (insecure: use --password-stdin)"},
			&cli.BoolFlag{Name: "password-stdin", Usage: "read the password from stdin"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			server := image.RegistryServer(cmd.Args().First())
			user, password, err := loginCredentials(cmd)
			if err != nil {
				return err
			}
			if err := image.CheckLogin(ctx, image.RegistryHost(server), user, password); err != nil {
				return err
			}
			cf, err := config.Load(config.Dir())
			if err != nil {
				return err
			}
			auth := types.AuthConfig{ServerAddress: server, Username: user, Password: password}
			if err := cf.GetCredentialsStore(server).Store(auth); err != nil {
				return fmt.Errorf("keep the credentials in %s: %w", cf.GetFilename(), err)
			}
			fmt.Println("Login Succeeded")
			return nil
		},
	}
}

// loginCredentials are -u and -p, --password-stdin, or what the user
// types when stdin is a terminal.
func loginCredentials(cmd *cli.Command) (string, string, error) {
	user, password := cmd.String("u"), cmd.String("p")
	if cmd.IsSet("p") {
		if cmd.Bool("password-stdin") {
			return "", "", errors.New("--password and --password-stdin are mutually exclusive")
		}
		fmt.Fprintln(os.Stderr, "WARNING! Using --password via the CLI is insecure. Use --password-stdin.")
	}
	in := bufio.NewReader(os.Stdin)
	if cmd.Bool("password-stdin") {
		if user == "" {
			return "", "", errors.New("must provide --username with --password-stdin")
		}
		data, err := io.ReadAll(in)
		if err != nil {
			return "", "", err
		}
		password = strings.TrimRight(string(data), "\r\n")
	}
	if user == "" {
		fmt.Print("Username: ")
		line, _ := in.ReadString('\n')
		user = strings.TrimSpace(line)
	}
	if password == "" && !cmd.Bool("password-stdin") {
		password = readPassword(in, "Password: ")
		fmt.Println()
	}
	if user == "" || password == "" {
		return "", "", errors.New("Error: Cannot perform an interactive login from a non TTY device")
	}
	return user, password, nil
}

// logoutCommand forgets a registry's credentials.
func logoutCommand() *cli.Command {
	return &cli.Command{
		Name:      "logout",
		Usage:     "log out of a registry (Docker Hub by default)",
		ArgsUsage: "[SERVER]",
		Action: func(_ context.Context, cmd *cli.Command) error {
			server := image.RegistryServer(cmd.Args().First())
			cf, err := config.Load(config.Dir())
			if err != nil {
				return err
			}
			if _, ok := cf.GetAuthConfigs()[server]; !ok && cf.CredentialsStore == "" {
				fmt.Printf("Not logged in to %s\n", server)
				return nil
			}
			fmt.Printf("Removing login credentials for %s\n", server)
			if err := cf.GetCredentialsStore(server).Erase(server); err != nil {
				return fmt.Errorf("forget the credentials of %s: %w", server, err)
			}
			return nil
		},
	}
}

// pushCommand sends an image to its registry, as docker push.
func pushCommand() *cli.Command {
	return &cli.Command{
		Name:      "push",
		Usage:     "push an image to its registry",
		ArgsUsage: "NAME[:TAG]",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "a", Aliases: []string{"all-tags"}, Usage: "push every tag of the repository"},
			&cli.BoolFlag{Name: "q", Aliases: []string{"quiet"}, Usage: "print nothing but errors"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return errors.New("push: want one image: mydocker push NAME[:TAG]")
			}
			refs, err := pushRefs(cmd)
			if err != nil {
				return err
			}
			var p image.Progress = image.Quiet{}
			if !cmd.Bool("q") {
				p = image.NewProgress(os.Stdout, "Pushing")
			}
			for _, ref := range refs {
				if _, err := imageStore(cmd).Push(ctx, ref, p); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// pushRefs are the tags push sends: the one named (latest when none is
// given), or with -a every tag of its repository.
func pushRefs(cmd *cli.Command) ([]image.Ref, error) {
	ref, err := image.ParseRef(cmd.Args().First())
	if err != nil {
		return nil, err
	}
	if !cmd.Bool("a") {
		return []image.Ref{ref}, nil
	}
	return imageStore(cmd).TagsOf(ref)
}

// readPassword prints prompt and reads a line without echoing it when
// stdin is a terminal, as docker's prompt (a password on the screen is
// one in the scrollback). Echo goes off before the prompt is printed:
// what is typed as soon as it shows is not echoed either.
func readPassword(in *bufio.Reader, prompt string) string {
	fd := int(os.Stdin.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil { // not a terminal
		fmt.Print(prompt)
		line, _ := in.ReadString('\n')
		return strings.TrimRight(line, "\r\n")
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ISIG
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &quiet); err == nil {
		defer unix.IoctlSetTermios(fd, unix.TCSETS, old)
		// ^C at the prompt must not leave the terminal without echo.
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
		defer signal.Stop(sigs)
		go func() {
			<-sigs
			_ = unix.IoctlSetTermios(fd, unix.TCSETS, old)
			fmt.Println()
			os.Exit(130)
		}()
	}
	fmt.Print(prompt)
	line, _ := in.ReadString('\n')
	return strings.TrimRight(line, "\r\n")
}
