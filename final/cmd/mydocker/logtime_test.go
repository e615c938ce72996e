package main

import (
	"testing"
	"time"
)

func TestParseDockerTime(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"10m", now.Add(-10 * time.Minute)},
		{"1h30m", now.Add(-90 * time.Minute)},
		{"1700000000", time.Unix(1700000000, 0)},
		{"1700000000.5", time.Unix(1700000000, 500000000)},
		{"2026-12-07T09:30:00Z", time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)},
		{"2026-12-07T09:30:00.25+01:00", time.Date(2026, 12, 7, 8, 30, 0, 250000000, time.UTC)},
		{"2026-12-07T09:30Z", time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)},
		{"2026-12-07T09:30", time.Date(2026, 12, 7, 9, 30, 0, 0, time.Local)},
		{"2026-12-07", time.Date(2026, 12, 7, 0, 0, 0, 0, time.Local)},
	} {
		got, err := parseDockerTime(tc.in, now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("parseDockerTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"yesterday", "12:00", "2026-13-01", "1700000000."} {
		if _, err := parseDockerTime(bad, now); err == nil {
			t.Errorf("parseDockerTime(%q): no error", bad)
		}
	}
}
