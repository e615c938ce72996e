package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/image"
)

// historyRow is one line of docker history, with docker's names for
// --format ('{{.CreatedBy}}', '{{.Size}}').
type historyRow struct {
	ID, CreatedSince, CreatedAt, CreatedBy, Size, Comment string
}

// historyCommand shows how an image was built, newest step first, from its
// config's history, as docker history: IMAGE CREATED CREATED BY SIZE
// COMMENT.
func historyCommand() *cli.Command {
	return &cli.Command{
		Name:      "history",
		Usage:     "show the history of an image",
		ArgsUsage: "IMAGE",
		Before:    useRoot,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "no-trunc", Usage: "don't truncate output"},
			&cli.BoolFlag{Name: "q", Aliases: []string{"quiet"}, Usage: "only show image IDs"},
			&cli.BoolFlag{Name: "H", Aliases: []string{"human"}, Value: true, Usage: "print sizes and dates in human readable format"},
			&cli.StringFlag{Name: "format", Usage: "a Go template of each row, such as '{{.CreatedBy}}'"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Len() != 1 {
				return errors.New(`"history" requires exactly 1 argument`)
			}
			images := imageStore(cmd)
			img, err := images.Get(cmd.Args().First())
			if err != nil {
				return err
			}
			rows, err := historyRows(images, img, cmd.Bool("no-trunc"), cmd.Bool("H"))
			if err != nil {
				return err
			}
			switch {
			case cmd.Bool("q"):
				for _, r := range rows {
					fmt.Println(r.ID)
				}
			case cmd.String("format") != "":
				for _, r := range rows {
					if err := printTemplate(cmd.String("format"), r); err != nil {
						return err
					}
				}
			default:
				w := newTable(0)
				fmt.Fprintln(w, "IMAGE\tCREATED\tCREATED BY\tSIZE\tCOMMENT")
				for _, r := range rows {
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.CreatedSince, r.CreatedBy, r.Size, r.Comment)
				}
				return w.Flush()
			}
			return nil
		},
	}
}

// historyRows are the image's history entries (image.Store.History),
// newest first. Only the newest is the image: the steps below it have no
// image of their own here ("<missing>", as docker shows pulled images'
// steps).
func historyRows(images image.Store, img *image.Image, noTrunc, human bool) ([]historyRow, error) {
	entries, err := images.History(img)
	if err != nil {
		return nil, err
	}
	var rows []historyRow
	now := time.Now()
	for _, h := range entries {
		r := historyRow{ID: "<missing>", CreatedBy: h.CreatedBy, Comment: h.Comment,
			CreatedAt: h.Created.UTC().Format(time.RFC3339), CreatedSince: createdSince(h.Created, now),
			Size: image.HumanSize(h.Size)}
		if !human {
			r.CreatedSince, r.Size = r.CreatedAt, fmt.Sprint(h.Size)
		}
		if !noTrunc {
			r.CreatedBy = ellipsis(strings.ReplaceAll(r.CreatedBy, "\t", " "), 45)
		}
		rows = append(rows, r)
	}
	rows[0].ID = img.ShortID()
	if noTrunc {
		rows[0].ID = img.ID
	}
	return rows, nil
}
