package build

import (
	"fmt"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// nopCreatedBy is a metadata step's created_by, as docker's classic
// builder writes it: the shell, "#(nop) ", then the instruction, joined by
// spaces (hence two spaces before it): "/bin/sh -c #(nop)  CMD [\"sh\"]".
func nopCreatedBy(c *v1.Config, text string) string {
	return strings.Join(append(append([]string{}, shellOf(c)...), "#(nop) ", text), " ")
}

// copyCreatedBy is COPY's and ADD's, as the classic builder's:
// "/bin/sh -c #(nop) COPY file:<sum> in /dest ".
func copyCreatedBy(c *v1.Config, name, checksum, dest string) string {
	return strings.Join(append(append([]string{}, shellOf(c)...), fmt.Sprintf("#(nop) %s %s in %s ", name, checksum, dest)), " ")
}

// runCreatedBy is RUN's: its argv joined, after "|N K=V..." when build
// args reach it ("|1 V=2 /bin/sh -c echo $V").
func runCreatedBy(argv, buildArgs []string) string {
	words := argv
	if len(buildArgs) > 0 {
		words = append(append([]string{fmt.Sprintf("|%d", len(buildArgs))}, buildArgs...), argv...)
	}
	return strings.Join(words, " ")
}

// withHistory is cfg with one more history entry: the step's, created
// now.
func withHistory(cfg *v1.ConfigFile, createdBy string, empty bool) *v1.ConfigFile {
	now := v1.Time{Time: time.Now().UTC()}
	cfg.Created = now
	cfg.History = append(cfg.History, v1.History{Created: now, CreatedBy: createdBy, EmptyLayer: empty})
	return cfg
}
