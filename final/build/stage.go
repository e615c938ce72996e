package build

import (
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/mydocker/mydocker/final/image"
)

// stage is one stage as it is built: its image so far (nil: scratch
// with no step yet) and config, and its ARGs.
type stage struct {
	b      *builder
	index  int
	img    *image.Image
	cfg    *v1.ConfigFile
	args   *args
	cmdSet bool
	step   int // the step being built, 1 for FROM
	steps  int
}

// buildStage builds stage i: FROM, the base image's ONBUILD triggers,
// then its instructions.
func (b *builder) buildStage(i int) error {
	st := b.df.Stages[i]
	s := &stage{b: b, index: i, args: newArgs(b.opts.BuildArgs, b.meta), step: 1, steps: 1 + len(st.Commands)}
	if err := s.from(st); err != nil {
		return err
	}
	triggers, err := s.triggers()
	if err != nil {
		return err
	}
	s.steps += len(triggers)
	for _, c := range append(triggers, st.Commands...) {
		s.step++
		if err := s.dispatch(c); err != nil {
			return err
		}
	}
	b.built[i] = s.img
	for _, k := range s.args.declared {
		b.declared[k] = true
	}
	return nil
}

// prefix is the progress's "[name k/n]", as BuildKit's: the stage's name,
// or stage-N when there are more than one.
func (s *stage) prefix() string {
	name := s.b.df.Stages[s.index].Name
	if name == "" && len(s.b.df.Stages) > 1 {
		name = fmt.Sprintf("stage-%d", s.index)
	}
	if name != "" {
		name += " "
	}
	return fmt.Sprintf("[%s%d/%d]", name, s.step, s.steps)
}

// from starts the stage: an earlier stage's image, scratch, or an image
// (pulled when it is not here, or with --pull).
func (s *stage) from(st instructions.Stage) error {
	b := s.b
	base := b.expandMeta(st.BaseName)
	v := b.p.start(s.prefix() + " FROM " + base)
	var err error
	switch j, isStage := b.df.stageIndex(base, s.index); {
	case isStage:
		s.img = b.built[j]
	case base == "scratch":
	default:
		if st.Platform != "" {
			if p := b.expandMeta(st.Platform); !strings.HasPrefix(p+"/", "linux/"+runtimeArch()+"/") {
				err = fmt.Errorf("FROM --platform=%s: only this machine's platform, linux/%s, builds here", p, runtimeArch())
				break
			}
		}
		s.img, err = b.opts.Image(b.ctx, base, b.opts.Pull)
	}
	if err == nil {
		s.cfg, err = b.baseConfig(s.img)
	}
	if err == nil {
		s.cfg = withDefaultPath(s.cfg)
	}
	if err != nil {
		v.failed(err)
		return fmt.Errorf("FROM %s: %w", base, err)
	}
	v.done()
	return nil
}

// triggers are the base image's ONBUILD instructions, which run first in
// the stage, as docker's; the new image keeps none of them.
func (s *stage) triggers() ([]instructions.Command, error) {
	var cmds []instructions.Command
	for _, expr := range s.cfg.Config.OnBuild {
		res, err := parser.Parse(strings.NewReader(expr))
		if err != nil || len(res.AST.Children) != 1 {
			return nil, fmt.Errorf("ONBUILD %s: cannot parse the trigger: %v", expr, err)
		}
		c, err := instructions.ParseCommand(res.AST.Children[0])
		if err != nil {
			return nil, fmt.Errorf("ONBUILD %s: %w", expr, err)
		}
		cmds = append(cmds, c)
	}
	s.cfg.Config.OnBuild = nil
	return cmds, nil
}

// expander expands an instruction's words: the stage's args under its
// Env.
func (s *stage) expander() instructions.SingleWordExpander {
	env := shell.EnvsFromSlice(s.args.expansionEnv(s.cfg.Config.Env))
	return func(word string) (string, error) {
		out, _, err := s.b.lex.ProcessWord(word, env)
		return out, err
	}
}

// rawExpander expands heredoc text: $VARs only, quotes and backslashes
// left as written.
func (s *stage) rawExpander() instructions.SingleWordExpander {
	lex := shell.NewLex(s.b.df.Escape)
	lex.RawQuotes, lex.RawEscapes = true, true
	env := shell.EnvsFromSlice(s.args.expansionEnv(s.cfg.Config.Env))
	return func(word string) (string, error) {
		out, _, err := lex.ProcessWord(word, env)
		return out, err
	}
}

// dispatch builds one instruction's step.
func (s *stage) dispatch(c instructions.Command) error {
	text := c.Name()
	if str, ok := c.(fmt.Stringer); ok {
		text = str.String()
	}
	v := s.b.p.start(s.prefix() + " " + text)
	err := s.expand(c)
	if err == nil {
		err = s.do(v, c)
	}
	if err != nil {
		v.failed(err)
	}
	return err
}

// expand replaces the $VARs of an instruction's words, as docker's
// builder does before it runs one (RUN's are the shell's to expand).
func (s *stage) expand(c instructions.Command) error {
	if e, ok := c.(instructions.SupportsSingleWordExpansion); ok {
		if err := e.Expand(s.expander()); err != nil {
			return fmt.Errorf("%s: %w", c.Name(), err)
		}
	}
	// A heredoc's text expands as BuildKit's: quotes and escapes kept.
	if e, ok := c.(instructions.SupportsSingleWordExpansionRaw); ok {
		if err := e.ExpandRaw(s.rawExpander()); err != nil {
			return fmt.Errorf("%s: %w", c.Name(), err)
		}
	}
	if e, ok := c.(*instructions.ExposeCommand); ok {
		expand := s.expander()
		for i, p := range e.Ports {
			out, err := expand(p)
			if err != nil {
				return fmt.Errorf("EXPOSE: %w", err)
			}
			e.Ports[i] = out
		}
	}
	return nil
}

func (s *stage) do(v *vertex, c instructions.Command) error {
	switch c := c.(type) {
	case *instructions.ArgCommand:
		return s.arg(v, c)
	case *instructions.RunCommand:
		return s.run(v, c)
	case *instructions.WorkdirCommand:
		return s.workdir(v, c)
	case *instructions.CopyCommand:
		return s.copy(v, copyOf(c))
	case *instructions.AddCommand:
		return s.copy(v, addOf(c))
	case *instructions.CmdCommand:
		s.cmdSet = true
	}
	cfg := cloneConfig(s.cfg)
	text, err := applyMeta(cfg, c, s.cmdSet)
	if err != nil {
		return err
	}
	return s.metaStep(v, cfg, text)
}

// arg declares the ARGs in the stage; its history entry is the line as
// written ("ARG V=1"), as the classic builder's.
func (s *stage) arg(v *vertex, c *instructions.ArgCommand) error {
	var words []string
	for _, kv := range c.Args {
		s.args.declare(kv.Key, kv.Value)
		// As written: "ARG V" or "ARG V=1", not the value a
		// --build-arg gives it.
		if kv.Value == nil {
			words = append(words, kv.Key)
		} else {
			words = append(words, kv.Key+"="+*kv.Value)
		}
	}
	return s.metaStep(v, cloneConfig(s.cfg), "ARG "+strings.Join(words, " "))
}

// metaStep commits a step that changes only the config: an image with an
// empty layer in its history.
func (s *stage) metaStep(v *vertex, cfg *v1.ConfigFile, text string) error {
	createdBy := nopCreatedBy(&cfg.Config, text)
	return s.commit(v, createdBy, func() (*image.Image, error) {
		return s.b.images.Step(s.img, nil, withHistory(cfg, createdBy, true))
	})
}

// parentID names the stage's image so far in cache keys.
func (s *stage) parentID() string {
	if s.img == nil {
		return "scratch"
	}
	return s.img.ID
}

// commit ends a step: the cached image of the same parent and
// instruction, or the one make makes, which is then cached.
func (s *stage) commit(v *vertex, createdBy string, make func() (*image.Image, error)) error {
	return s.commitKeyed(v, cacheKey(s.parentID(), createdBy), make)
}

// commitKeyed is commit with a cache key of the caller's (RUN's has its
// mounts in it).
func (s *stage) commitKeyed(v *vertex, key string, make func() (*image.Image, error)) error {
	b := s.b
	if !b.opts.NoCache {
		if img, cfg, ok := b.cached(key); ok {
			s.img, s.cfg = img, cfg
			v.cached()
			return nil
		}
	}
	img, err := make()
	if err != nil {
		return err
	}
	if s.cfg, err = b.images.Config(img); err != nil {
		return err
	}
	s.img = img
	if err := b.cache.Put(key, img.ID); err != nil {
		return err
	}
	v.done()
	return nil
}

// cached is the image cached for key, if it is still in the store (an
// rmi or prune may have taken it): an entry whose image is gone is never
// used. The image is held (a lease) until the build ends, so that an rmi
// meanwhile cannot take the layers the next steps are made on.
func (b *builder) cached(key string) (*image.Image, *v1.ConfigFile, bool) {
	id, ok := b.cache.Get(key)
	if !ok {
		return nil, nil, false
	}
	img, err := b.images.Hold(id)
	if err != nil || img.ID != id {
		return nil, nil, false
	}
	cfg, err := b.images.Config(img)
	if err != nil {
		return nil, nil, false
	}
	return img, cfg, true
}
