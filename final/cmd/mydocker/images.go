package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/urfave/cli/v3"
	"golang.org/x/sys/unix"

	"github.com/mydocker/mydocker/final/container"
	"github.com/mydocker/mydocker/final/containerfs"
	"github.com/mydocker/mydocker/final/image"
)

func imageStore(cmd *cli.Command) image.Store {
	return image.Store{Root: cmd.Root().String("root")}
}

// imagesCommand lists the images, as docker images: --format, --filter,
// --digests, --no-trunc.
func imagesCommand() *cli.Command {
	return &cli.Command{
		Name:      "images",
		Usage:     "list the images",
		ArgsUsage: "[REPOSITORY[:TAG]]",
		Before:    useRoot,
		// images -aq, as docker users type it.
		UseShortOptionHandling: true,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "a", Aliases: []string{"all"}, Usage: "show all images, with the untagged intermediate ones of build's steps"},
			&cli.BoolFlag{Name: "q", Aliases: []string{"quiet"}, Usage: "show the image IDs only"},
			&cli.StringSliceFlag{Name: "f", Aliases: []string{"filter"}, Usage: "show only what matches KEY=VALUE: dangling, label, reference, before, since (repeatable)"},
			&cli.StringFlag{Name: "format", Usage: "table, table TEMPLATE, json, or a Go template of each image ({{.Repository}}, {{.Tag}}, {{.ID}}, ...)"},
			&cli.BoolFlag{Name: "digests", Usage: "show the digests"},
			&cli.BoolFlag{Name: "no-trunc", Usage: "show IDs whole"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			f, err := parseFilters(cmd.StringSlice("f"), imageFilterKeys)
			if err != nil {
				return err
			}
			if cmd.Args().Len() > 1 {
				return errors.New("images: want at most one REPOSITORY[:TAG]")
			}
			if repo := cmd.Args().First(); repo != "" {
				f["reference"] = append(f["reference"], repo) // docker images REPOSITORY[:TAG]
			}
			def := "{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
			if cmd.Bool("digests") {
				def = "{{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
			}
			format, err := parseListFormat(cmd.String("format"), def)
			if err != nil {
				return err
			}
			images := imageStore(cmd)
			list, err := images.List()
			if err != nil {
				return err
			}
			if !cmd.Bool("a") {
				list = withoutIntermediate(list)
			}
			rows, err := imageRowsOf(images, list, f, cmd.Bool("no-trunc"))
			if err != nil {
				return err
			}
			if cmd.Bool("q") {
				seen := map[string]bool{}
				for _, r := range rows {
					if id := r.(imageRow).ID; !seen[id] {
						seen[id] = true
						fmt.Println(id)
					}
				}
				return nil
			}
			return format.write(rows, imageHeader)
		},
	}
}

// rmiCommand removes images, as docker rmi.
func rmiCommand() *cli.Command {
	return &cli.Command{
		Name:      "rmi",
		Usage:     "remove images (refused while a container uses one, unless -f)",
		ArgsUsage: "IMAGE...",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "f", Aliases: []string{"force"}, Usage: "untag an image that containers use (it stays for them, as <none>)"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() == 0 {
				return errors.New("rmi: want at least one image")
			}
			failed := false
			for _, arg := range cmd.Args().Slice() {
				done, err := removeImage(cmd, arg, cmd.Bool("f"))
				if err != nil {
					fmt.Fprintf(os.Stderr, "mydocker: %v\n", err)
					failed = true
					continue
				}
				for _, line := range done {
					fmt.Println(line)
				}
			}
			// The build cache's entries of the images that went.
			pruneStaleCache(cmd)
			if failed {
				return exitStatus(exitFailure)
			}
			return nil
		},
	}
}

// removeImage removes arg as rmi does, refusing an image a container
// uses unless force: rmi's lines ("Untagged: …", "Deleted: …"). The API
// server's DELETE /images/NAME is this too.
func removeImage(cmd *cli.Command, arg string, force bool) ([]string, error) {
	return imageStore(cmd).Remove(arg, force, imageUsers(cmd))
}

func tagCommand() *cli.Command {
	return &cli.Command{
		Name:      "tag",
		Usage:     "give an image another name: mydocker tag SOURCE TARGET",
		ArgsUsage: "SOURCE[:TAG] TARGET[:TAG]",
		Before:    useRoot,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 2 {
				return errors.New("tag: want exactly two arguments, SOURCE and TARGET")
			}
			return imageStore(cmd).Tag(cmd.Args().Get(0), cmd.Args().Get(1))
		},
	}
}

func saveCommand() *cli.Command {
	return &cli.Command{
		Name:      "save",
		Usage:     "save images to a tar that docker load and podman load read: mydocker save -o FILE IMAGE...",
		ArgsUsage: "IMAGE...",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "o", Aliases: []string{"output"}, Usage: "the file to write (default: stdout, when it is not a terminal)"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() == 0 {
				return errors.New("save: want at least one image")
			}
			images := imageStore(cmd)
			return writeTar("save", cmd.String("o"), func(w io.Writer) error { return images.SaveTo(w, cmd.Args().Slice()) })
		},
	}
}

func loadCommand() *cli.Command {
	return &cli.Command{
		Name:   "load",
		Usage:  "load images from a docker-archive or OCI-layout tar: mydocker load -i FILE",
		Before: useRoot,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "i", Aliases: []string{"input"}, Usage: "the file to read (default: stdin)"},
			&cli.BoolFlag{Name: "q", Aliases: []string{"quiet"}, Usage: "no progress"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			var p image.Progress = image.Quiet{}
			if !cmd.Bool("q") {
				p = image.NewProgress(os.Stderr, "Loading")
			}
			lines, err := loadImages(ctx, cmd, p)
			for _, line := range lines {
				fmt.Println(line)
			}
			return err
		},
	}
}

// loadImages loads -i FILE, or stdin's tar, which is no terminal.
func loadImages(ctx context.Context, cmd *cli.Command, p image.Progress) ([]string, error) {
	if path := cmd.String("i"); path != "" {
		return imageStore(cmd).Load(ctx, path, p)
	}
	if isTerminal(os.Stdin) {
		return nil, errors.New("load: no input: use -i FILE or a redirect")
	}
	return imageStore(cmd).LoadFrom(ctx, os.Stdin, p)
}

func importCommand() *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "make a one-layer image of a root filesystem tar: mydocker import FILE|- [REPOSITORY[:TAG]]",
		ArgsUsage: "FILE|- [REPOSITORY[:TAG]]",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "c", Aliases: []string{"change"}, Usage: `a Dockerfile line for its config: CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, STOPSIGNAL, USER, VOLUME or WORKDIR (repeatable)`},
		},
		DisableSliceFlagSeparator: true,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if n := cmd.Args().Len(); n < 1 || n > 2 {
				return errors.New("import: want FILE (or - for stdin) and an optional REPOSITORY[:TAG]")
			}
			var r io.Reader = os.Stdin
			if src := cmd.Args().Get(0); src != "-" {
				f, err := os.Open(src)
				if err != nil {
					return fmt.Errorf("import: %w", err)
				}
				defer f.Close()
				r = f
			}
			img, err := imageStore(cmd).Import(r, cmd.Args().Get(1), cmd.StringSlice("c"))
			if err != nil {
				return err
			}
			fmt.Println(img.ID)
			return nil
		},
	}
}

// commitCommand makes an image of a container: a new layer over its image.
func commitCommand() *cli.Command {
	return &cli.Command{
		Name:      "commit",
		Usage:     "make an image of a container's changes: mydocker commit CONTAINER [REPOSITORY[:TAG]]",
		ArgsUsage: "CONTAINER [REPOSITORY[:TAG]]",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "c", Aliases: []string{"change"}, Usage: "a Dockerfile line for its config: CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, STOPSIGNAL, USER, VOLUME or WORKDIR (repeatable)"},
			&cli.StringFlag{Name: "m", Aliases: []string{"message"}, Usage: "the commit message, in the image's history"},
			&cli.BoolFlag{Name: "pause", Aliases: []string{"p"}, Value: true, Usage: "pause a running container while it is committed (--pause=false: do not)"},
		},
		DisableSliceFlagSeparator: true,
		Action: func(_ context.Context, cmd *cli.Command) error {
			if n := cmd.Args().Len(); n < 1 || n > 2 {
				return errors.New("commit: want a container and an optional REPOSITORY[:TAG]")
			}
			s, st, err := findContainer(cmd, cmd.Args().Get(0))
			if err != nil {
				return err
			}
			// Paused while its changes are read, as docker's: a running
			// container's writes do not land half in the image. A commit
			// killed meanwhile is thawed by the next command's reconcile.
			if cmd.Bool("pause") {
				thaw, err := container.FreezeForCommit(s, st)
				if err != nil {
					return err
				}
				defer thaw()
			}
			img, err := containerfs.Commit(s, st, cmd.Args().Get(1), cmd.StringSlice("c"), cmd.String("m"))
			if err != nil {
				return err
			}
			container.LogEvent(st, "commit", map[string]string{"comment": cmd.String("m"), "imageID": img.ID, "imageRef": cmd.Args().Get(1)})
			fmt.Println(img.ID)
			return nil
		},
	}
}

// exportCommand writes a container's filesystem as a tar: docker export,
// the book's "commit" (5.7).
func exportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write a container's filesystem as a tar: mydocker export -o FILE CONTAINER",
		ArgsUsage: "CONTAINER",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "o", Aliases: []string{"output"}, Usage: "the file to write (default: stdout, when it is not a terminal)"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return errors.New("export: want exactly one container")
			}
			s, st, err := findContainer(cmd, cmd.Args().First())
			if err != nil {
				return err
			}
			return writeTar("export", cmd.String("o"), func(w io.Writer) error { return containerfs.Export(s, st, w) })
		},
	}
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// writeTar writes a tar with write to the file out (whole or not at all),
// or to stdout when out is "" and stdout is not a terminal, as docker does.
func writeTar(what, out string, write func(io.Writer) error) error {
	if out != "" {
		return image.WriteAtomically(out, write)
	}
	if isTerminal(os.Stdout) {
		return fmt.Errorf("%s: refusing to write a tar to a terminal: use -o FILE or a redirect", what)
	}
	return write(os.Stdout)
}

// withoutIntermediate drops the untagged images of build's steps, which
// docker lists only with -a: a build leaves one per instruction.
func withoutIntermediate(list []*image.Image) []*image.Image {
	return slices.DeleteFunc(list, func(img *image.Image) bool {
		return img.Intermediate && len(img.RepoTags) == 0
	})
}
