package buildctx

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestResolveDest: a destination through an image's symlinks lands on the
// real path, inside the image, never the host's.
func TestResolveDest(t *testing.T) {
	rootfs := t.TempDir()
	tree(t, rootfs, map[string]string{
		"usr/bin/":   "",
		"bin":        "->usr/bin",
		"lib":        "->/usr/lib",
		"usr/lib/":   "",
		"etc/passwd": "root",
		"escape":     "->../../../../tmp",
		"work/":      "",
		"loop":       "->loop",
		"file":       "f",
	})
	tests := []struct{ dest, want, wantErr string }{
		{dest: "/bin/", want: "/usr/bin/"},
		{dest: "/bin/tool", want: "/usr/bin/tool"},
		{dest: "/lib/x/y", want: "/usr/lib/x/y"},
		{dest: "/escape/x", want: "/tmp/x"},
		{dest: "/new/dir/", want: "/new/dir/"},
		{dest: "/work/.", want: "/work/"},
		{dest: "/", want: "/"},
		{dest: "/etc/passwd", want: "/etc/passwd"},
		{dest: "/new/../bin/x", want: "/usr/bin/x"},
		{dest: "/loop/x", wantErr: "too many levels of symbolic links"},
		{dest: "relative", wantErr: "not absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.dest, func(t *testing.T) {
			got, err := ResolveDest(rootfs, tt.dest)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
