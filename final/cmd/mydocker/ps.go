package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/mydocker/mydocker/final/state"
)

// psCommand lists the containers (book 5.2).
func psCommand() *cli.Command {
	return &cli.Command{
		Name:   "ps",
		Usage:  "list the running containers (-a: all of them)",
		Before: useRoot,
		// ps -aq, as docker users type it.
		UseShortOptionHandling: true,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "a", Aliases: []string{"all"}, Usage: "show the containers that have exited too"},
			&cli.BoolFlag{Name: "q", Aliases: []string{"quiet"}, Usage: "show the IDs only"},
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			// What every command's reconcile lists is what ps shows:
			// each container is read once.
			states, damaged, err := reconcileAll(state.Store{Root: cmd.Root().String("root")})
			if err != nil {
				return err
			}
			// A container that cannot be read is neither listed nor
			// removed: one line says which file and what to do.
			for _, d := range damaged {
				fmt.Fprintf(os.Stderr, "mydocker: %s\n", d.Hint())
			}
			var shown []*state.Container
			for _, st := range states {
				if cmd.Bool("a") || st.Status != state.Exited || st.Restarting() {
					shown = append(shown, st)
				}
			}
			if cmd.Bool("q") {
				for _, st := range shown {
					fmt.Println(st.ShortID())
				}
				return nil
			}
			printTable(shown)
			return nil
		},
	}
}

// printTable prints the book's table, one container a line.
func printTable(states []*state.Container) {
	w := newTable(12)
	fmt.Fprintln(w, "CONTAINER ID\tNAME\tPID\tIP\tSTATUS\tCOMMAND\tCREATED")
	now := time.Now()
	for _, st := range states {
		pid := ""
		if st.Status != state.Exited && st.Init.PID > 0 {
			pid = strconv.Itoa(st.Init.PID)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", st.ShortID(), st.Name, pid, st.IP(), st.DockerStatus(now),
			quoteArgv(st.Command), st.Created.Local().Format("2006-01-02 15:04:05"))
	}
	w.Flush()
}

// plainArg is an argument a shell reads back as it is.
var plainArg = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// quoteArgv shows the argv as a shell would need it typed: the book
// joined it into one word ("top-b").
func quoteArgv(argv []string) string {
	quoted := make([]string, len(argv))
	for i, arg := range argv {
		if plainArg.MatchString(arg) {
			quoted[i] = arg
		} else {
			quoted[i] = "'" + strings.ReplaceAll(arg, "'", `'\''`) + "'"
		}
	}
	return strings.Join(quoted, " ")
}
