// Package testregistry serves a registry on loopback and fills it with
// the images the tests need: layered images with whiteouts, Docker and OCI
// manifests, an index of two platforms, many layers, and hostile layers.
// It is go-containerregistry's in-process registry (pkg/registry).
package testregistry

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"os"
	"runtime"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Entry is one tar entry of a test layer.
type Entry struct {
	Name, Body, Link string
	Type             byte
	Mode             int64
}

// File, Dir, Symlink and Hardlink make entries.
func File(name, body string) Entry {
	return Entry{Name: name, Body: body, Type: tar.TypeReg, Mode: 0o644}
}
func Dir(name string) Entry { return Entry{Name: name, Type: tar.TypeDir, Mode: 0o755} }
func Symlink(name, to string) Entry {
	return Entry{Name: name, Link: to, Type: tar.TypeSymlink, Mode: 0o777}
}
func Hardlink(name, to string) Entry {
	return Entry{Name: name, Link: to, Type: tar.TypeLink, Mode: 0o644}
}

// Tar is a tar of the entries.
func Tar(entries ...Entry) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.Name, Typeflag: e.Type, Mode: e.Mode, Linkname: e.Link,
			Size: int64(len(e.Body)), ModTime: time.Unix(1700000000, 0)}
		if e.Type != tar.TypeReg {
			hdr.Size = 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			panic(err)
		}
		if hdr.Size > 0 {
			_, _ = tw.Write([]byte(e.Body))
		}
	}
	_ = tw.Close()
	return buf.Bytes()
}

// Layer is a gzipped layer of a tar, with the media type of oci or Docker.
func Layer(data []byte, oci bool) v1.Layer {
	mt := types.DockerLayer
	if oci {
		mt = types.OCILayer
	}
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(mt))
	if err != nil {
		panic(err)
	}
	return l
}

// Image stacks the layers with the config cfg.
func Image(cfg v1.Config, oci bool, layers ...v1.Layer) (v1.Image, error) {
	base := empty.Image
	if oci {
		base = mutate.MediaType(base, types.OCIManifestSchema1)
		base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	}
	img, err := mutate.AppendLayers(base, layers...)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Config = cfg
	cf.OS, cf.Architecture = "linux", runtime.GOARCH
	cf.Created = v1.Time{Time: time.Unix(1700000000, 0).UTC()}
	return mutate.ConfigFile(img, cf)
}

// Push pushes img as ref.
func Push(ref string, img v1.Image) error {
	r, err := name.ParseReference(ref)
	if err != nil {
		return err
	}
	return remote.Write(r, img)
}

// PushIndex pushes an index of images, each for its platform.
func PushIndex(ref string, images map[string]v1.Image) error {
	r, err := name.ParseReference(ref)
	if err != nil {
		return err
	}
	var idx v1.ImageIndex = empty.Index
	for arch, img := range images {
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}},
		})
	}
	return remote.WriteIndex(r, idx)
}

// AppConfig is the config of the test/app images.
var AppConfig = v1.Config{
	Env:        []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "GREETING=hello"},
	Entrypoint: []string{"/bin/sh", "-c"},
	Cmd:        []string{`echo "$GREETING from $(pwd) as $(id -un)"`},
	WorkingDir: "/srv/app",
	User:       "nobody",
}

// PushAll pushes the tests' images to the registry at addr, on top of the
// busybox root filesystem tar base.
func PushAll(addr, base string) error {
	baseTar, err := os.ReadFile(base)
	if err != nil {
		return err
	}
	pushes := map[string]func() error{}
	for _, oci := range []bool{false, true} {
		ref := addr + "/test/app:v1"
		if oci {
			ref = addr + "/test/oci:v1"
		}
		pushes[ref] = func() error {
			img, err := appImage(baseTar, oci)
			if err != nil {
				return err
			}
			return Push(ref, img)
		}
	}
	pushes[addr+"/test/app:v2"] = func() error {
		img, err := appImage(baseTar, false, Layer(Tar(File("v2", "two\n")), false))
		if err != nil {
			return err
		}
		return Push(addr+"/test/app:v2", img)
	}
	pushes[addr+"/test/multi:latest"] = func() error {
		mine, err := Image(v1.Config{}, true, Layer(baseTar, true), Layer(Tar(File("platform", "mine\n")), true))
		if err != nil {
			return err
		}
		other, err := Image(v1.Config{}, true, Layer(baseTar, true), Layer(Tar(File("platform", "other\n")), true))
		if err != nil {
			return err
		}
		otherArch := "arm64"
		if runtime.GOARCH == "arm64" {
			otherArch = "amd64"
		}
		return PushIndex(addr+"/test/multi:latest", map[string]v1.Image{runtime.GOARCH: mine, otherArch: other})
	}
	pushes[addr+"/test/many:40"] = func() error { return PushLayered(addr+"/test/many:40", baseTar, 40) }
	for tag, tarData := range hostileLayers() {
		ref := addr + "/test/hostile:" + tag
		pushes[ref] = func() error {
			img, err := Image(v1.Config{}, false, Layer(baseTar, false), Layer(tarData, false))
			if err != nil {
				return err
			}
			return Push(ref, img)
		}
	}
	for ref, push := range pushes {
		if err := push(); err != nil {
			return fmt.Errorf("push %s: %w", ref, err)
		}
	}
	return nil
}

// PushLayered pushes ref: busybox, then n-1 layers of one file each
// (/layers/01 …).
func PushLayered(ref string, baseTar []byte, n int) error {
	layers := []v1.Layer{Layer(baseTar, false)}
	for i := 1; i < n; i++ {
		layers = append(layers, Layer(Tar(File(fmt.Sprintf("layers/%02d", i), fmt.Sprintf("%d\n", i))), false))
	}
	img, err := Image(v1.Config{}, false, layers...)
	if err != nil {
		return err
	}
	return Push(ref, img)
}

// appImage is busybox, then a layer with files to delete later, then a
// layer that deletes one (whiteout) and makes a directory opaque.
func appImage(baseTar []byte, oci bool, more ...v1.Layer) (v1.Image, error) {
	layers := []v1.Layer{
		Layer(baseTar, oci),
		Layer(Tar(Dir("srv"), File("srv/removed", "gone\n"), Dir("srv/opaque"), File("srv/opaque/old", "old\n"), File("srv/kept", "kept\n")), oci),
		Layer(Tar(File("srv/.wh.removed", ""), Dir("srv/opaque"), File("srv/opaque/.wh..wh..opq", ""), File("srv/opaque/new", "new\n")), oci),
	}
	return Image(AppConfig, oci, append(layers, more...)...)
}

// hostileLayers try to reach outside the layer: each must be refused.
func hostileLayers() map[string][]byte {
	return map[string][]byte{
		"dotdot":   Tar(File("../../../../../../tmp/mydocker-hostile-dotdot", "escaped\n")),
		"symlink":  Tar(Symlink("escape", "/tmp"), File("escape/mydocker-hostile-symlink", "escaped\n")),
		"hardlink": Tar(Hardlink("shadow", "/etc/shadow")),
	}
}

// BenchImage pushes ref: n layers of size bytes of random data each (so
// that compression does not shrink them).
func BenchImage(ref string, n int, size int64) error {
	rng := rand.New(rand.NewSource(1))
	var layers []v1.Layer
	for i := 0; i < n; i++ {
		data := make([]byte, size)
		rng.Read(data)
		layers = append(layers, Layer(Tar(File(fmt.Sprintf("data/%d", i), string(data))), false))
	}
	img, err := Image(v1.Config{Cmd: []string{"true"}}, false, layers...)
	if err != nil {
		return err
	}
	return Push(ref, img)
}

// PushConfig pushes ref: busybox (the tar base) with the image config
// written as JSON in config, as an image author would set it (a
// Dockerfile's LABEL, STOPSIGNAL, ...), hostile values too.
func PushConfig(ref, base, config string) error {
	baseTar, err := os.ReadFile(base)
	if err != nil {
		return err
	}
	var cfg v1.Config
	if err := json.Unmarshal([]byte(config), &cfg); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	img, err := Image(cfg, false, Layer(baseTar, false))
	if err != nil {
		return err
	}
	return Push(ref, img)
}
