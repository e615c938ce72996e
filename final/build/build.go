package build

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"sort"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/mydocker/mydocker/final/build/buildctx"
	"github.com/mydocker/mydocker/final/image"
)

// builder is one build.
type builder struct {
	ctx    context.Context
	opts   Options
	df     *Dockerfile
	images image.Store
	cache  Cache
	p      *progress
	lex    *shell.Lex
	meta   map[string]string
	built  map[int]*image.Image // stage index -> its image (nil: scratch, no step)
	// declared are the ARG keys of the built stages and of the meta
	// args: a --build-arg none of them names was not used.
	declared map[string]bool
	urls     *http.Client // ADD URL's
	tmp      string
}

// Build builds the Dockerfile's target stage, and the stages it needs,
// and names the image it makes with the tags.
func Build(ctx context.Context, opts Options) (*image.Image, error) {
	df, err := ParseDockerfile(opts.Dockerfile)
	if err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, opts: opts, df: df, images: image.Store{Root: opts.Root},
		cache: Cache{Dir: filepath.Join(opts.Root, "build", "cache")}, p: newProgress(opts.Progress, opts.Classic),
		lex: shell.NewLex(df.Escape), built: map[int]*image.Image{}, declared: map[string]bool{},
		urls: buildctx.URLClient()}
	v := b.p.start("[internal] load build definition from Dockerfile")
	for _, w := range df.Warnings {
		v.logf("WARNING: %s", w)
	}
	if df.Syntax != "" {
		v.logf("# syntax=%s is not run: this builder reads the Dockerfile itself", df.Syntax)
	}
	v.done()
	if b.meta, err = metaArgs(df.MetaArgs, opts.BuildArgs, b.lex); err != nil {
		return nil, err
	}
	target, err := df.target(opts.Target)
	if err != nil {
		return nil, err
	}
	addLabels(&df.Stages[target], opts.Labels)
	if b.tmp = opts.Tmp; b.tmp == "" {
		Tidy(opts.Root)
		if b.tmp, err = TempDir(opts.Root); err != nil {
			return nil, err
		}
		defer RemoveTemp(b.tmp)
	}
	for _, i := range b.needed(target) {
		if err := b.buildStage(i); err != nil {
			return nil, err
		}
	}
	for _, c := range df.MetaArgs {
		for _, kv := range c.Args {
			b.declared[kv.Key] = true
		}
	}
	if unused := unusedArgs(opts.BuildArgs, b.declared); len(unused) > 0 {
		b.p.warnf("[Warning] One or more build-args %v were not consumed", unused)
	}
	return b.export(b.built[target])
}

// addLabels makes --label a LABEL at the end of the target stage, as
// docker's classic builder does.
func addLabels(s *instructions.Stage, labels map[string]string) {
	if len(labels) == 0 {
		return
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var kvs instructions.KeyValuePairs
	for _, k := range keys {
		kvs = append(kvs, instructions.KeyValuePair{Key: k, Value: labels[k]})
	}
	s.AddCommand(&instructions.LabelCommand{Labels: kvs})
}

// needed is the stages the target needs, itself last, in the
// Dockerfile's order: those its FROM and COPY --from name, and theirs.
func (b *builder) needed(target int) []int {
	need := map[int]bool{}
	var visit func(i int)
	visit = func(i int) {
		if need[i] {
			return
		}
		need[i] = true
		s := b.df.Stages[i]
		if j, ok := b.df.stageIndex(b.expandMeta(s.BaseName), i); ok {
			visit(j)
		}
		for _, c := range s.Commands {
			if cp, ok := c.(*instructions.CopyCommand); ok && cp.From != "" {
				if j, ok := b.df.stageIndex(cp.From, i); ok {
					visit(j)
				}
			}
		}
	}
	visit(target)
	var list []int
	for i := range b.df.Stages {
		if need[i] {
			list = append(list, i)
		}
	}
	return list
}

// expandMeta expands a FROM's $VARs with the meta args; a word that
// does not expand is used as it is, and fails later as a name.
func (b *builder) expandMeta(word string) string {
	out, _, err := b.lex.ProcessWord(word, shell.EnvsFromSlice(envOf(b.meta)))
	if err != nil {
		return word
	}
	return out
}

// export names the image, as docker's "exporting to image" step.
func (b *builder) export(img *image.Image) (*image.Image, error) {
	if img == nil {
		return nil, fmt.Errorf("the target stage is FROM scratch with no step: there is no image to make")
	}
	v := b.p.start("exporting to image")
	if err := b.images.Built(img.ID); err != nil {
		return nil, err
	}
	v.logf("writing image %s done", img.ID)
	for _, t := range b.opts.Tags {
		ref, err := image.ParseRef(t)
		if err != nil {
			return nil, err
		}
		if err := b.images.Tag(img.ID, t); err != nil {
			return nil, err
		}
		v.logf("naming to %s done", ref.String())
	}
	v.done()
	return img, nil
}

// baseConfig is the config a stage starts from: its base image's, or
// scratch's.
func (b *builder) baseConfig(img *image.Image) (*v1.ConfigFile, error) {
	if img == nil {
		return &v1.ConfigFile{Architecture: runtime.GOARCH, OS: "linux", RootFS: v1.RootFS{Type: "layers"}}, nil
	}
	cfg, err := b.images.Config(img)
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// cloneConfig is a deep copy of cfg, for a step to change.
func cloneConfig(cfg *v1.ConfigFile) *v1.ConfigFile {
	data, _ := json.Marshal(cfg)
	var c v1.ConfigFile
	_ = json.Unmarshal(data, &c)
	return &c
}
