package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseDockerTime reads a time as docker's --since and --until take it:
// a duration before now ("10m", "1h30m"), unix seconds ("1700000000",
// "1700000000.5"), or an RFC 3339 date and time, whole or cut short
// ("2026-12-07T10:00:00Z", "2026-12-07T10:00", "2026-12-07"); without a
// zone, the local one.
func parseDockerTime(value string, now time.Time) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(value); err == nil {
		return now.Add(-d), nil
	}
	if t, ok := unixTime(value); ok {
		return t, nil
	}
	loc := time.Local
	if strings.ContainsAny(value, "zZ+") || strings.Count(value, "-") == 3 {
		loc = time.UTC // the value has its own zone
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05Z07:00",
		"2006-01-02T15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02T15:04", "2006-01-02T15Z07:00", "2006-01-02T15", "2006-01-02Z07:00", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, value, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid time %q: want a duration (10m), unix seconds or an RFC 3339 time", value)
}

// unixTime reads "SECONDS[.FRACTION]".
func unixTime(value string) (time.Time, bool) {
	sec, frac, hasFrac := strings.Cut(value, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	var ns int64
	if hasFrac {
		if frac == "" || len(frac) > 9 || strings.Trim(frac, "0123456789") != "" {
			return time.Time{}, false
		}
		ns, _ = strconv.ParseInt(frac+strings.Repeat("0", 9-len(frac)), 10, 64)
	}
	return time.Unix(s, ns), true
}
