package build

import (
	"fmt"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// copyCmd is a COPY or an ADD, as one.
type copyCmd struct {
	name    string // COPY or ADD
	sources []string
	dest    string
	from    string
	chown   string
	chmod   string
	add     bool
}

func copyOf(c *instructions.CopyCommand) copyCmd {
	return copyCmd{name: "COPY", sources: c.SourcePaths, dest: c.DestPath, from: c.From, chown: c.Chown, chmod: c.Chmod}
}

func addOf(c *instructions.AddCommand) copyCmd {
	return copyCmd{name: "ADD", sources: c.SourcePaths, dest: c.DestPath, chown: c.Chown, chmod: c.Chmod, add: true}
}

func (s *stage) copy(v *vertex, c copyCmd) error {
	return fmt.Errorf("%s: not built yet (package buildctx)", c.name)
}
