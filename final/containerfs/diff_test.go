package containerfs

import (
	"fmt"
	"testing"
)

func TestWithoutEtcBinds(t *testing.T) {
	for _, tc := range []struct{ in, want []Change }{
		// Only the mount points: nothing changed.
		{[]Change{{'C', "/etc"}, {'A', "/etc/hosts"}, {'A', "/etc/resolv.conf"}}, nil},
		// A change of the user's keeps /etc.
		{[]Change{{'C', "/etc"}, {'A', "/etc/hosts"}, {'C', "/etc/passwd"}, {'A', "/tmp"}},
			[]Change{{'C', "/etc"}, {'C', "/etc/passwd"}, {'A', "/tmp"}}},
		// The image's own /etc/hosts, deleted, is the user's change.
		{[]Change{{'C', "/etc"}, {'D', "/etc/hosts"}}, []Change{{'C', "/etc"}, {'D', "/etc/hosts"}}},
	} {
		got := withoutEtcBinds(append([]Change(nil), tc.in...))
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("withoutEtcBinds(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
