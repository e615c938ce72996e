# Shared by the scripts: where things are, the list of stages, finding Go,
# and installing the system packages a script needs. Source it, don't run it.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$REPO/.build"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# stages prints the stages in book order, one a line.
stages() { grep -v -e '^#' -e '^[[:space:]]*$' "$REPO/scripts/stages.txt"; }

# newest_stage prints the last stage of the book that exists.
newest_stage() { stages | tail -n 1; }

# bats_names_through STAGE prints the integration test files (their names,
# without .bats) of the stages up to STAGE: each stage's own, then any
# STAGE-TOPIC.bats beside it (final-security.bats).
bats_names_through() {
	local stage extra
	for stage in $(stages_through "$1"); do
		echo "$stage"
		for extra in "$REPO/scripts/integration/$stage"-*.bats; do
			[ -e "$extra" ] && basename "$extra" .bats
		done
	done
	return 0
}

# stages_through STAGE prints the stages from the first one up to STAGE.
stages_through() {
	local s
	stages | while read -r s; do
		echo "$s"
		[ "$s" = "$1" ] && break
	done
}

# previous_stage STAGE prints the stage before STAGE (nothing for the first).
previous_stage() { stages | grep -B1 -x -- "$1" | grep -v -x -- "$1" || true; }

is_stage() { stages | grep -q -x -- "$1"; }

require_root() {
	[ "$(id -u)" = 0 ] || die "containers need root: run it as 'sudo $0 $*'"
}

# ensure_go puts a Go toolchain on PATH. sudo resets PATH, so look where
# Go's installer and distributions put it too.
ensure_go() {
	local d
	command -v go >/dev/null 2>&1 && return 0
	for d in /usr/local/go/bin /usr/lib/go/bin "${SUDO_USER:+$(getent passwd "$SUDO_USER" | cut -d: -f6)/go/bin}" /snap/bin; do
		if [ -n "$d" ] && [ -x "$d/go" ]; then
			export PATH="$PATH:$d"
			return 0
		fi
	done
	die "Go is not installed (or not on root's PATH): install Go 1.25 or newer from https://go.dev/dl, then run this again"
}

# package_for TOOL prints the package that provides TOOL on this distro.
package_for() {
	local mgr=$1 tool=$2
	case "$mgr:$tool" in
	apt:bats | dnf:bats) echo bats ;;
	pacman:bats) echo bash-bats ;;
	apt:busybox) echo busybox-static ;;
	*:busybox) echo busybox ;;
	apt:qemu-system-x86_64 | pacman:qemu-system-x86_64) echo qemu-system-x86 ;;
	dnf:qemu-system-x86_64) echo qemu-system-x86-core ;;
	apt:xz) echo xz-utils ;;
	*:xz) echo xz ;;
	*:iptables | *:iptables-save) echo iptables ;;
	apt:ping) echo iputils-ping ;;
	*:ping) echo iputils ;;
	*:ip) echo iproute2 ;;
	*:unshare | *:setpriv | *:nsenter) echo util-linux ;;
	pacman:pgrep | pacman:pkill) echo procps-ng ;;
	*:pgrep | *:pkill) echo procps ;;
	apt:python3 | dnf:python3) echo python3 ;;
	pacman:python3) echo python ;;
	apt:script) echo bsdutils ;;
	apt:losetup) echo mount ;;
	apt:libseccomp) echo libseccomp-dev ;;
	dnf:libseccomp) echo libseccomp-devel ;;
	pacman:libseccomp) echo libseccomp ;;
	apt:pkg-config) echo pkgconf ;;
	dnf:pkg-config) echo pkgconf-pkg-config ;;
	pacman:pkg-config) echo pkgconf ;;
	*:script) echo util-linux ;;
	*:ctr) echo containerd ;;
	*:systemd-socket-activate | *:systemd-analyze) echo systemd ;;
	*) echo "$tool" ;;
	esac
}

package_manager() {
	local m
	for m in apt-get dnf pacman; do
		command -v "$m" >/dev/null 2>&1 && { echo "${m%-get}"; return; }
	done
}

# ensure_tools TOOL... installs the packages of the tools that are missing.
# When one cannot be installed it stops the script with one line per such
# package: the package, the tool it is for, and the package manager's own
# error (a fresh machine's first command must say what went wrong, not
# fail later on a missing command).
ensure_tools() {
	install_tools "" "$@" || exit 1
}

# want_tools TOOL...: like ensure_tools, for what only some tests need
# (podman, containerd, buildah): it installs what it can and says, in the same one
# line, what it could not; those tests then skip, saying so.
want_tools() {
	install_tools optional "$@" || true
}

# install_tools OPTIONAL TOOL...: the work of ensure_tools (OPTIONAL empty)
# and want_tools; fails when a tool is still missing after the install.
install_tools() {
	local optional=$1 tool missing=() pkgs=() mgr log failed=0 err pkg
	shift
	for tool in "$@"; do
		have_tool "$tool" || missing+=("$tool")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	mgr=$(package_manager)
	for tool in "${missing[@]}"; do pkgs+=("$(package_for "${mgr:-apt}" "$tool")"); done
	say "installing ${pkgs[*]} (for ${missing[*]}${optional:+, optional})"
	log=$(mktemp)
	[ -z "$mgr" ] || install_packages "$mgr" "${pkgs[@]}" >"$log" 2>&1 || true
	for tool in "${missing[@]}"; do
		have_tool "$tool" && continue
		pkg=$(package_for "${mgr:-apt}" "$tool")
		if [ -z "$mgr" ]; then
			err="no apt-get, dnf or pacman on this machine: install it by hand and run this again"
		else
			# The batch may have failed for another package: ask for
			# this one alone, so that the error is its own.
			if install_packages "$mgr" "$pkg" >"$log" 2>&1; then
				have_tool "$tool" && continue
				err="the package installed, but there is still no $tool (PATH=$PATH)"
			else
				err=$(package_error "$mgr" "$log")
			fi
		fi
		if [ -n "$optional" ]; then
			say "could not install package '$pkg' (for $tool): $err; the tests that need it will skip"
		else
			printf 'error: could not install package %s (for %s): %s\n' "'$pkg'" "$tool" "$err" >&2
		fi
		failed=1
	done
	rm -f "$log"
	return $failed
}

# install_packages MANAGER PACKAGE...: install with the distro's manager,
# its output on stdout. apt's package lists are refreshed once per script
# (a fresh machine has none); a failed refresh is not fatal, as the lists
# may be recent enough, and its error is kept for package_error.
APT_UPDATED="" APT_UPDATE_ERROR=""
install_packages() {
	local mgr=$1
	shift
	case "$mgr" in
	apt)
		if [ -z "$APT_UPDATED" ]; then
			APT_UPDATED=1
			APT_UPDATE_ERROR=$(apt-get update -qq 2>&1) && APT_UPDATE_ERROR=""
			APT_UPDATE_ERROR=$(echo "$APT_UPDATE_ERROR" | grep -m 1 '^E:' || true)
		fi
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends -o DPkg::Lock::Timeout=120 "$@" 2>&1 ;;
	dnf) dnf install -y "$@" 2>&1 ;;
	pacman) pacman -S --noconfirm --needed "$@" 2>&1 ;;
	esac
}

# package_error MANAGER LOG prints, on one line, the package manager's
# error in LOG: its first error line, else its last line.
package_error() {
	local mgr=$1 log=$2 line
	line=$(grep -m 1 -E '^(E:|Error|error:|No match for argument)' "$log" || true)
	[ -n "$line" ] || line=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1)
	line=$(echo "$line" | tr -s '[:space:]' ' ' | sed 's/ $//' | cut -c1-200)
	if [ "$mgr" = apt ]; then
		mgr=apt-get
		# A package apt cannot find is often a refresh that failed.
		[ -z "$APT_UPDATE_ERROR" ] || line="$line (and apt-get update said: $(echo "$APT_UPDATE_ERROR" | cut -c1-160))"
	fi
	printf '%s: %s' "$mgr" "$line"
}

# have_tool TOOL: busybox must be the static build, because it is copied
# where no shared library exists.
have_tool() {
	case "$1" in
	busybox) static_busybox >/dev/null ;;
	# final/ links libseccomp (cgo) for its seccomp filters: its headers.
	libseccomp) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libseccomp ;;
	*) command -v "$1" >/dev/null 2>&1 ;;
	esac
}

# static_busybox prints the path of a statically linked busybox.
static_busybox() {
	local b
	for b in /bin/busybox /usr/bin/busybox /usr/sbin/busybox; do
		[ -x "$b" ] || continue
		if ! has_interpreter "$b"; then echo "$b"; return 0; fi
	done
	return 1
}

# has_interpreter FILE: whether a 64-bit ELF file has a PT_INTERP program
# header, i.e. needs the dynamic loader (readelf is not always installed).
has_interpreter() {
	local f=$1 phoff phentsize phnum i type
	u() { od -An -t "u$2" -j "$1" -N "$2" "$f" | tr -d ' '; }
	phoff=$(u 32 8) phentsize=$(u 54 2) phnum=$(u 56 2)
	for ((i = 0; i < phnum; i++)); do
		type=$(u $((phoff + i * phentsize)) 4)
		[ "$type" = 3 ] && return 0
	done
	return 1
}

# module_path STAGE prints the Go module path of STAGE.
module_path() { sed -n 's/^module //p' "$REPO/$1/go.mod"; }

# stage_copy STAGE DEST [EXCLUDE...]: copy STAGE to DEST with its module
# path replaced by REPLACEMENT_MODULE (when set), leaving out EXCLUDE files.
# Only what git tracks or would track is copied: a binary built in the stage
# by hand, or a test's leftovers, are not part of the stage.
stage_copy() {
	local stage=$1 dest=$2 from f ex
	shift 2
	env -u GIT_DIR -u GIT_WORK_TREE git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1 || die "$REPO is not a git checkout: the stage scripts list a stage's files with git"
	mkdir -p "$dest"
	(
		cd "$REPO/$stage" &&
			env -u GIT_DIR -u GIT_WORK_TREE git ls-files -z -co --exclude-standard -- . | while IFS= read -r -d '' f; do
				[ -e "$f" ] || continue # deleted in the work tree, not yet in git
				for ex in "$@"; do [ "$f" = "$ex" ] && continue 2; done
				printf '%s\0' "$f"
			done | tar -cf - --null --no-recursion -T -
	) | (cd "$dest" && tar -xf -)
	if [ -n "${REPLACEMENT_MODULE:-}" ]; then
		from=$(module_path "$stage")
		grep -rlF --null -- "$from" "$dest" | while IFS= read -r -d '' f; do
			sed -i "s#$from\\([/\"[:space:]]\\|\$\\)#$REPLACEMENT_MODULE\\1#g" "$f"
		done
	fi
}

# stage_diff A B [EXCLUDE...] -- [GIT-DIFF-OPTION...]: the diff from stage A
# to stage B as a learner reads it: A's module path is rewritten to B's, so
# the import lines that only name the stage do not show. The two trees are
# compared in a scratch git repository so that paths read "container/init.go".
stage_diff() {
	local a=$1 b=$2 excludes=() tmp base
	shift 2
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do excludes+=("$1"); shift; done
	[ "${1:-}" = "--" ] && shift
	tmp=$(mktemp -d)
	(
		trap 'rm -rf "$tmp"' EXIT
		export GIT_DIR="$tmp/git" GIT_WORK_TREE="$tmp/tree"
		git init -q
		REPLACEMENT_MODULE=$(module_path "$b") stage_copy "$a" "$GIT_WORK_TREE" "${excludes[@]}"
		git add -A
		base=$(git write-tree)
		rm -rf "$GIT_WORK_TREE"
		stage_copy "$b" "$GIT_WORK_TREE" "${excludes[@]}"
		git add -A
		git -c core.quotepath=off diff --cached "$base" "$@"
	)
}

# What the benchmarks (bench-images.sh, bench-build.sh, bench-api.sh)
# share. build_final [TARGET...]: final/'s mydocker, mydocker-init and
# mydocker-monitor into .build/final, and each "OUT=PACKAGE" TARGET too.
build_final() {
	local t
	(cd "$REPO/final" && export GOWORK=off GOFLAGS=-buildvcs=false &&
		go build -o "$BUILD/final/mydocker" ./cmd/mydocker &&
		CGO_ENABLED=0 go build -trimpath -o "$BUILD/final/mydocker-init" ./cmd/mydocker-init &&
		CGO_ENABLED=0 go build -trimpath -o "$BUILD/final/mydocker-monitor" ./cmd/mydocker-monitor &&
		for t in "$@"; do go build -o "${t%%=*}" "${t#*=}" || exit 1; done)
}

# median prints the median of the numbers on stdin, with one decimal.
median() { sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m }'; }

# time_ms COMMAND...: its wall time in ms, by bash's own clock; a command
# that fails stops the script, with its output (a figure of a failure
# would time something else).
time_ms() {
	local start end out
	start=$EPOCHREALTIME
	out=$("$@" 2>&1 </dev/null) || die "$* failed: $out"
	end=$EPOCHREALTIME
	awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) * 1000 }'
}

# libpod_parents prints podman's parent cgroups (libpod_parent, with
# conmon's in it), which podman makes for its first container and never
# removes; remove_libpod_parents BEFORE removes them when BEFORE (what
# libpod_parents printed at the start) is empty: a benchmark's podman
# made them.
libpod_parents() { ls -d /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent 2>/dev/null || true; }
remove_libpod_parents() {
	local dir
	[ -z "$1" ] || return 0
	for dir in $(libpod_parents); do
		find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
	done
}
