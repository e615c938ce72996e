package main

import "runtime/debug"

// version is set at build time (-ldflags "-X main.version=...").
var version = "0.1.0"

// gitCommit is the commit built, set at build time as runc's Makefile
// sets its own (-ldflags "-X main.gitCommit=...").
var gitCommit = ""

// versionText is what --version prints after "mydocker-runc version ":
// runc's three lines, the version, the commit and the spec's version
// (runc's tests and tools read "commit:" on the second).
func versionText() string {
	return version + "\ncommit: " + commit(gitCommit) + "\nspec: " + specVersion()
}

// commit is the build's commit: given, or the one Go stamps into a
// binary built from a checkout (vcs.revision, "-dirty" when it had
// changes), or "unknown" (GOFLAGS=-buildvcs=false, or no checkout).
func commit(given string) string {
	if given != "" {
		return given
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	return stampedCommit(info.Settings)
}

func stampedCommit(settings []debug.BuildSetting) string {
	rev, dirty := "", false
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	switch {
	case rev == "":
		return "unknown"
	case dirty:
		return rev + "-dirty"
	}
	return rev
}
