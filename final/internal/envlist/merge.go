// Package envlist is the one rule for a process's environment as a list
// of KEY=VALUE: what is given later replaces the same KEY. It is a
// package of its own so that the container's init (a small static
// binary, cmd/mydocker-init) has it without package image.
package envlist

import "strings"

// Merge is env with each KEY=VALUE of over put in, replacing the
// same KEY, keeping the order of env (docker's rule for -e over the
// image's Env).
func Merge(env, over []string) []string {
	out := append([]string{}, env...)
	for _, kv := range over {
		key, _, _ := strings.Cut(kv, "=")
		replaced := false
		for i, have := range out {
			if k, _, _ := strings.Cut(have, "="); k == key {
				out[i], replaced = kv, true
				break
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return out
}
