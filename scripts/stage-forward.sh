#!/usr/bin/env bash
# scripts/stage-forward.sh [--new] STAGE PATH...
#
# Carries a fix forward: copies STAGE/PATH (a path inside the stage) to
# every later stage whose copy of PATH was, at HEAD, the same as STAGE's
# (module path aside), so that a bug fixed in one stage is fixed in every
# later one. A later stage whose copy had already changed is named, to be
# fixed by hand. With --new, PATH is a new file, copied to every later stage
# that does not have it.
#   scripts/stage-forward.sh ch4-overlay overlay/workspace.go
set -euo pipefail
source "$(dirname "$0")/lib.sh"

new=""
[ "${1:-}" = --new ] && { new=1; shift; }
[ $# -ge 2 ] || die "usage: $0 [--new] STAGE PATH..."
from=$1
shift
is_stage "$from" || die "no stage '$from'"

# norm: the text with every stage's module path made the same.
norm() { sed -E 's#github.com/mydocker/mydocker/(ch[0-9]-[a-z]+|final)#MODULE#g'; }

for path in "$@"; do
	[ -f "$REPO/$from/$path" ] || die "no file $from/$path"
	old=$(git -C "$REPO" show "HEAD:$from/$path" 2>/dev/null | norm || true)
	later=""
	for stage in $(stages); do
		[ "$stage" = "$from" ] && { later=1; continue; }
		[ -n "$later" ] || continue
		target="$REPO/$stage/$path"
		if [ -n "$new" ]; then
			[ -e "$target" ] && { echo "kept    $stage/$path (exists)"; continue; }
		else
			[ -f "$target" ] || continue
			head=$(git -C "$REPO" show "HEAD:$stage/$path" 2>/dev/null | norm || true)
			if [ "$head" != "$old" ]; then
				echo "differs $stage/$path: fix it by hand"
				continue
			fi
		fi
		mkdir -p "$(dirname "$target")"
		sed "s#$(module_path "$from")\\([/\"[:space:]]\\|\$\\)#$(module_path "$stage")\\1#g" "$REPO/$from/$path" >"$target"
		echo "copied  $stage/$path"
	done
done
