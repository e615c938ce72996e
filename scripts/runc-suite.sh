#!/usr/bin/env bash
# Runs runc's own integration suite (tests/integration of a runc 1.4
# release, fetched from the Go module proxy at test time) against
# mydocker-runc and, in the same run, the host's runc: the yardstick of
# issue 27. Each runtime runs every bats file in a private temporary
# directory; the script prints passed, failed and skipped per runtime with
# the time it took, and fails when mydocker-runc fails a test that
# scripts/runc-suite/known-failures.txt does not list.
#
#   sudo scripts/runc-suite.sh [--subset] [--runtimes LIST] [--no-build | --build-only | --report-only] [FILE.bats...]
#
# The whole suite (52 files, 347 tests) takes about 8 minutes per runtime
# on a 2-core host. --subset runs the files in scripts/runc-suite/subset.txt
# (the lifecycle commands, update, events, mounts, cgroups and hooks):
# about half of it, 3.5 to 4 minutes per runtime. --runtimes
# takes a comma-separated list of mydocker-runc, runc and crun (default:
# mydocker-runc,runc). --no-build takes the suite and
# .build/final/mydocker-runc as built last; --build-only builds them and
# runs nothing (no container: no lock needed); --report-only reports the
# results kept from earlier runs (files run one at a time, each under the
# lock, report as one run). Results are kept in
# .build/runc-suite/results; containers, mounts, cgroups and processes the
# tests leave are removed, and said. The caller holds
# /work/containers.lock (the script takes no lock).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$REPO/scripts/runc-suite/images.sh"

RUNC_VERSION=v1.4.4
# A runtime's command that hangs is killed after TEST_TIMEOUT (its test
# fails), and a file that hangs is stopped: runc's slowest test takes
# about 20 s here.
TEST_TIMEOUT=60
FILE_TIMEOUT=900
SUBSET=
NO_BUILD=
BUILD_ONLY=
REPORT_ONLY=
RUNTIME_LIST=mydocker-runc,runc
while [ $# -gt 0 ]; do
	case $1 in
	--subset) SUBSET=1; shift ;;
	--runtimes) RUNTIME_LIST=$2; shift 2 ;;
	--no-build) NO_BUILD=1; shift ;;
	--build-only) BUILD_ONLY=1; shift ;;
	--report-only) REPORT_ONLY=1; shift ;;
	-h | --help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) die "unknown flag $1 (see --help)" ;;
	*) break ;;
	esac
done
ONLY=("$@")

require_root "$@"
# Run as built (--no-build: the cgroup v2 VM, which has no Go module
# cache), it needs no Go.
[ -n "$NO_BUILD$REPORT_ONLY" ] || ensure_go
[ -n "$NO_BUILD" ] || ensure_tools gcc pkg-config libseccomp tar
# The suite's own needs: gawk (helpers.bash on cgroup v1), jq
# (update_config), bats 1.5 or newer.
ensure_tools bats gawk jq gcc losetup nsenter script

SUITE="$BUILD/runc-suite"
TESTS="$SUITE/tests/integration"
# RUNC_SUITE_RESULTS keeps a run's results apart (the cgroup v2 VM writes to
# the same checkout as a run on the host).
RESULTS=${RUNC_SUITE_RESULTS:-$SUITE/results}
KNOWN="$REPO/scripts/runc-suite/known-failures.txt"

# build_suite fetches runc at RUNC_VERSION through the module proxy,
# copies its tests/integration and builds the helpers it runs
# (tests/cmd: recvtty, seccompagent, ...) into tests/cmd/_bin, where
# helpers.bash looks; nothing of runc's is kept in the repository.
build_suite() {
	[ -f "$SUITE/.version" ] && [ "$(cat "$SUITE/.version")" = "$RUNC_VERSION/3" ] && return 0
	say "fetching runc $RUNC_VERSION's integration tests"
	local dir arch
	dir=$(cd "$REPO/final" && GOWORK=off GOFLAGS=-mod=mod go mod download -json "github.com/opencontainers/runc@$RUNC_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
	[ -d "$dir/tests/integration" ] || die "cannot fetch github.com/opencontainers/runc@$RUNC_VERSION through the Go module proxy"
	# tests/ whole (seccomp-notify.bats runs a script of tests/cmd) and
	# go.mod (spec.bats reads the runtime-spec version there).
	rm -rf "$SUITE" && mkdir -p "$SUITE"
	cp -r "$dir/tests" "$dir/go.mod" "$SUITE/" && chmod -R u+w "$SUITE"
	mkdir -p "$SUITE/tests/cmd/_bin"
	# A module zip keeps no modes: the scripts the tests run.
	find "$SUITE/tests" -name '*.sh' -exec chmod +x {} +
	(cd "$dir" && GOWORK=off GOFLAGS=-mod=mod go build -tags "seccomp urfave_cli_no_docs" \
		-o "$SUITE/tests/cmd/_bin/" ./tests/cmd/...)
	# get-images.sh downloads the images unless they are there, under
	# the names it gives them (plain tars: tar finds no compression).
	arch=$(go env GOARCH)
	say "making the busybox and Debian-like root filesystems"
	busybox_rootfs "$TESTS/testdata/busybox-$arch.tar.xz"
	debian_rootfs "$TESTS/testdata/debian-$arch.tar.xz"
	echo "$RUNC_VERSION/3" >"$SUITE/.version"
}

if [ -z "$NO_BUILD$REPORT_ONLY" ]; then
	build_suite
	if [[ ",$RUNTIME_LIST," == *,mydocker-runc,* ]]; then
		say "building mydocker-runc"
		mkdir -p "$BUILD/final"
		(cd "$REPO/final" && GOWORK=off go build -o "$BUILD/final/mydocker-runc" ./cmd/mydocker-runc)
	fi
fi
[ -z "$BUILD_ONLY" ] || exit 0
[ -f "$SUITE/.version" ] || die "the suite is not built: run scripts/runc-suite.sh without --no-build first"

declare -A BIN
RUNTIMES=()
IFS=, read -r -a wanted <<<"$RUNTIME_LIST"
for rt in "${wanted[@]}"; do
	case $rt in
	mydocker-runc) BIN[$rt]="$BUILD/final/mydocker-runc" ;;
	runc | crun) BIN[$rt]=$(command -v "$rt" || true) ;;
	*) die "--runtimes: unknown runtime $rt (mydocker-runc, runc, crun)" ;;
	esac
	if [ -x "${BIN[$rt]}" ]; then
		RUNTIMES+=("$rt")
	else
		say "$rt is not installed (or not built): skipping it"
	fi
done
[ ${#RUNTIMES[@]} -gt 0 ] || die "no runtime to run the suite with"

FILES=()
if [ ${#ONLY[@]} -gt 0 ]; then
	FILES=("${ONLY[@]%.bats}")
elif [ -n "$SUBSET" ]; then
	mapfile -t FILES < <(grep -v -e '^#' -e '^[[:space:]]*$' "$REPO/scripts/runc-suite/subset.txt" | sed 's/\.bats$//')
else
	for f in "$TESTS"/*.bats; do FILES+=("$(basename "$f" .bats)"); done
fi
for f in "${FILES[@]}"; do
	[ -f "$TESTS/$f.bats" ] || die "no such file in runc's suite: $f.bats"
done

. "$REPO/scripts/runc-suite/report.sh"
if [ -n "$REPORT_ONLY" ]; then
	report
	exit
fi

TMP=$(mktemp -d /tmp/runc-suite.XXXXXX)
# Containers in user namespaces walk to their bundles in here.
chmod 711 "$TMP"
. "$REPO/scripts/runc-suite/leftovers.sh"
STDIN_HOLDER=
trap '[ -z "$STDIN_HOLDER" ] || kill "$STDIN_HOLDER" 2>/dev/null; cleanup_all || exit 1' EXIT
snapshot_host start

# The suite and mydocker-runc run from copies in TMP: in the cgroup v2 VM
# (scripts/integration/in-vm.sh) the repository is a 9p share without a
# cache, where each of the suite's thousands of runtime commands would
# read the 10 MB binary over again.
mkdir -p "$TMP/suite" "$TMP/bin"
cp -a "$SUITE/tests" "$SUITE/go.mod" "$TMP/suite/"
TESTS="$TMP/suite/tests/integration"
for rt in "${RUNTIMES[@]}"; do
	if [ "$rt" = mydocker-runc ]; then
		cp "${BIN[$rt]}" "$TMP/bin/mydocker-runc" && BIN[$rt]="$TMP/bin/mydocker-runc"
	fi
done

# watch_runtime RT: bats' timeout kills a test's shell, but a runtime
# that hangs (in a frozen cgroup, say) and holds the test's output open
# holds the test until the file's timeout. No runtime command lives as
# long as a test may: one that does is killed, and the test fails. Nor
# does the tests' console helper (recvtty, one a test, which its teardown
# kills) live five times as long: runc 1.1.5's tests leave one now and
# then, holding bats's output open, and the file waited out its timeout.
watch_runtime() {
	local rt=$1 pid secs recvtty="$TESTS/../cmd/_bin/recvtty"
	while sleep 5; do
		while read -r pid secs; do
			{ [ "$secs" -gt $TEST_TIMEOUT ] && [ "/proc/$pid/exe" -ef "${BIN[$rt]}" ]; } ||
				{ [ "$secs" -gt $((5 * TEST_TIMEOUT)) ] && [ "/proc/$pid/exe" -ef "$recvtty" ]; } || continue
			on_tmp "$pid" || continue
			echo "runc-suite.sh: killing $rt's process $pid after ${secs}s: $(tr '\0' ' ' <"/proc/$pid/cmdline")" >&2
			thaw_and_kill "$pid"
		done < <(ps -eo pid=,etimes=)
	done
}

# run_file RT FILE: one bats file with runtime RT, its TAP and its
# time, exit status and leftovers (FILE.meta) in the results; what the
# file left is removed and said after its line.
run_file() {
	local rt=$1 f=$2 tap="$RESULTS/$1/$2.tap" rc=0 left start watchdog
	local tmp="$TMP/$rt/$f"
	mkdir -p -m 711 "$tmp" "$RESULTS/$rt"
	rm -f "$tap" "$RESULTS/$rt/$f.meta"
	snapshot_host
	start=$(date +%s)
	watch_runtime "$rt" &
	watchdog=$!
	# The tests run "runc run" with a terminal and no console socket: the
	# runtime takes the caller's, so bats runs on a pseudo-terminal of
	# script's, as runc's CI runs it under "docker run -t". bats' own
	# temporary directory is kept, for clean_after to find the tests'
	# state directories and to remove it without crossing a mount.
	# No BATS_TEST_TIMEOUT: bats 1.8 runs its countdown as a job of the
	# test's shell, and the tests that "wait" for their own jobs (events)
	# would wait for it. watch_runtime and the file's timeout stop a hang.
	# script's stdin never ends (a FIFO held open), unlike /dev/null:
	# at its end script types the terminal's EOF into the pty, which the
	# line discipline queues as a NUL byte, and the first runtime that
	# makes that terminal raw and copies it to a container's (a "runc
	# run" with a terminal) read the NUL, echoed back as "^@" into the
	# test's output.
	local stdin="$TMP/$rt.$f.stdin"
	mkfifo "$stdin"
	sleep infinity >"$stdin" &
	STDIN_HOLDER=$!
	(cd "$TESTS" && TMPDIR="$tmp" RUNC="${BIN[$rt]}" \
		timeout -k 10 $FILE_TIMEOUT script -qefc "$(printf '%q ' bats --timing --no-tempdir-cleanup --formatter tap "$f.bats") >$(printf '%q' "$tap") 2>&1" /dev/null) <"$stdin" >/dev/null 2>&1 || rc=$?
	kill "$watchdog" "$STDIN_HOLDER" 2>/dev/null || true
	wait "$watchdog" "$STDIN_HOLDER" 2>/dev/null || true
	STDIN_HOLDER=
	rm -f "$stdin"
	left=$(clean_after "$rt" "$tmp")
	printf '%s %s %s\n' "$(($(date +%s) - start))" "$rc" "$left" >"$RESULTS/$rt/$f.meta"
	file_line "$rt" "$f"
}

for rt in "${RUNTIMES[@]}"; do
	say "runc $RUNC_VERSION's integration tests: $rt (${BIN[$rt]}), ${#FILES[@]} files"
	for f in "${FILES[@]}"; do run_file "$rt" "$f"; done
done
report
