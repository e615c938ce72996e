package cgroups

import "testing"

func TestOOMKills(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0", 1}, // v2 memory.events
		{"oom_kill_disable 0\nunder_oom 0\noom_kill 3", 3},                // v1 memory.oom_control
		{"oom_kill_disable 0\nunder_oom 0", 0},                            // a v1 kernel before 4.13
		{"", 0},
	} {
		if got := oomKills(tc.text); got != tc.want {
			t.Errorf("oomKills(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
}
