#!/usr/bin/env bash
# scripts/stage-diff.sh A B [GIT-DIFF-OPTION...]
#
# Shows what the chapter of stage B added to stage A, as a learner should
# read it: each stage is its own Go module, so the import lines differ in
# every file; that churn is hidden. Options go to git diff, e.g. --stat,
# --word-diff or --color=always.
#   scripts/stage-diff.sh ch3-namespaces ch3-cgroups
#   scripts/stage-diff.sh ch3-namespaces ch3-cgroups --stat
set -euo pipefail
source "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] || die "usage: $0 STAGE-A STAGE-B [git-diff-option...] (stages: $(stages | tr '\n' ' '))"
a=$1 b=$2
shift 2
is_stage "$a" || die "no stage '$a' (stages: $(stages | tr '\n' ' '))"
is_stage "$b" || die "no stage '$b' (stages: $(stages | tr '\n' ' '))"
stage_diff "$a" "$b" -- "$@"
