#!/usr/bin/env bash
# sudo scripts/test.sh [STAGE]
#
# Runs every test of every stage (or of STAGE alone):
#   1. static checks: gofmt, the generated lists of changes in the READMEs,
#      the docs against the code (scripts/check-docs.sh), and go vet for
#      each module;
#   2. each module built on its own (GOWORK=off: no stage may import another);
#   3. the unit tests of each module;
#   4. the integration tests (bats) as root, cumulative: a stage's binary
#      must pass the tests of its own chapter and of every earlier one;
#   5. for final/: the OCI validation suite, runc's own integration tests
#      (scripts/runc-suite.sh --subset) against mydocker-runc, the
#      fault-injection suite, the benchmark's check, and the cgroup v2 VM.
# It ends with one line "summary: N passed, N failed, N skipped" and exits
# non-zero when anything failed.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

require_root "$@"
# Each step's line says when it began, in seconds from here: where CI's
# 45 minutes go.
t0=$(date +%s)
say() { printf '==> %s [%d s]\n' "$*" $(($(date +%s) - t0)) >&2; }
ensure_go
# Every tool the tests use, installed up front: a fresh machine fails here,
# in one line per package, not half an hour in. busybox is the image the
# tests run; python3 and nsenter serve the network tests; strace injects
# the fault suite's faults; curl and openssl speak to the Engine API (its
# TLS certificates); gawk, jq and losetup serve runc's own tests
# (scripts/runc-suite.sh).
ensure_tools bats unshare setpriv nsenter script gcc pkg-config libseccomp ip iptables iptables-save ping \
	busybox python3 pgrep strace curl openssl gawk jq losetup
# The cgroup v2 VM (below), on a host that is not cgroup v2 only.
if [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] && [ -z "${MYDOCKER_SKIP_VM:-}" ]; then
	ensure_tools qemu-system-x86_64 xz
fi
# The OCI runtime's clients (final-podman.bats, final-containerd.bats;
# podman also checks final/'s save and load), the runtimes the OCI
# validation compares with, and buildah, whose images build's are compared
# with (final-build-buildah.bats), and CRIU for mydocker-runc's checkpoint
# and restore: without them those tests skip, saying so.
want_tools podman conmon containerd ctr runc crun buildah criu
# Socket activation of the Engine API (final-api-listen.bats), as
# final/contrib/systemd's units do it.
want_tools systemd-socket-activate systemd-analyze
export GOWORK=off GOFLAGS=-buildvcs=false

if [ $# -gt 0 ]; then
	is_stage "$1" || die "no stage '$1' (stages: $(stages | tr '\n' ' '))"
	targets=("$1")
else
	mapfile -t targets < <(stages)
fi

passed=0 failed=0 skipped=0
failures=()
logs="$BUILD/logs"
mkdir -p "$logs"
started=$(date +%s)

# check NAME COMMAND...: one check that passes or fails as a whole.
check() {
	local name=$1 log
	shift
	log="$logs/$(echo "$name" | tr ' /' '__').log"
	if "$@" >"$log" 2>&1; then
		passed=$((passed + 1))
		printf 'ok      %s\n' "$name"
	else
		failed=$((failed + 1))
		failures+=("$name")
		printf 'FAILED  %s\n' "$name"
		sed 's/^/        /' "$log" | tail -n 40
	fi
}

# count_go LOG: add the tests that "go test -v" reported to the totals.
count_go() {
	local p f s
	p=$(grep -c '^--- PASS' "$1") f=$(grep -c '^--- FAIL' "$1") s=$(grep -c '^--- SKIP' "$1")
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	grep -E '^(--- FAIL|--- SKIP|FAIL|ok|panic)|^\s+\S+_test.go:[0-9]+' "$1" | sed 's/^/        /'
}

# count_tap LOG: add the tests that bats reported (TAP) to the totals.
count_tap() {
	local ok notok skip
	skip=$(grep -c '^ok .* # skip' "$1")
	ok=$(grep -c '^ok ' "$1") notok=$(grep -c '^not ok ' "$1")
	passed=$((passed + ok - skip)) failed=$((failed + notok)) skipped=$((skipped + skip))
}

# count_integration LOG STATUS NAME: count a bats run; a run that failed
# without a failing test (bats or the VM broke) counts as one failure.
count_integration() {
	count_tap "$1"
	if [ "$2" -ne 0 ]; then
		failures+=("$3")
		grep -q '^not ok ' "$1" || failed=$((failed + 1))
	fi
}

gofmt_clean() {
	local out
	out=$(cd "$REPO" && gofmt -l "${targets[@]}")
	[ -z "$out" ] || { echo "not gofmt'ed:"; echo "$out"; return 1; }
}

# no_bare_bang: a line "! cmd" in a bats test never fails it (bash exempts
# "!" from set -e), so such a check cannot fail: write "run ! cmd".
no_bare_bang() {
	if grep -nE '^[[:space:]]*![[:space:]]' "$REPO"/scripts/integration/*.bats; then
		echo 'a bare "! cmd" in a bats test checks nothing: use "run ! cmd" or an explicit test'
		return 1
	fi
}

# bats_parse: every .bats file is valid bash once its "@test" lines are
# functions, as bats makes them (a merge that drops a closing brace fails
# a whole file at once, far from the change).
bats_parse() {
	local f rc=0
	for f in "$REPO"/scripts/integration/*.bats "$REPO"/scripts/faults/*.bats; do
		sed -E 's/^@test .*\{[[:space:]]*$/_test() {/' "$f" | bash -n 2>&1 || { echo "does not parse: $f" && rc=1; }
	done
	return $rc
}

# The docker CLI that final-api.bats drives the Engine API with.
DOCKER_CLI_VERSION=v29.9.3
docker_cli_built() {
	"$BUILD/$1/docker" --version 2>/dev/null | grep -q "version ${DOCKER_CLI_VERSION#v},"
}
# docker_cli STAGE prints the path of STAGE's docker CLI, or nothing.
docker_cli() {
	if docker_cli_built "$1"; then echo "$BUILD/$1/docker"; fi
}

# docker compose, the CLI plugin that final-api-compose.bats drives the
# Engine API with: the newest v5 release that the machine's Go builds.
COMPOSE_VERSION=v5.6.0
compose_built() {
	"$BUILD/$1/docker-compose" version 2>/dev/null | grep -qx "Docker Compose version $COMPOSE_VERSION"
}
# compose_plugin STAGE prints the path of STAGE's compose plugin, or nothing.
compose_plugin() {
	if compose_built "$1"; then echo "$BUILD/$1/docker-compose"; fi
}
# The compose builds under way (some minutes the first time), which the
# integration tests wait for: they build while the unit tests run.
COMPOSE_BUILDS=()

# final-api-testcontainers.bats: testcontainers-go's Go test and our
# reaper (scripts/testcontainers), built once for each version of their
# sources from the Go module proxy, in the background as compose; where
# they cannot be built, the test skips.
TC_BUILD=""
if [[ " ${targets[*]} " == *" final "* ]] && [ -d "$REPO/final/api" ]; then
	tc_dir="$BUILD/tools/testcontainers-$(cd "$REPO/scripts/testcontainers" && cat go.mod go.sum ./*.go reaper/*.go | sha256sum | cut -c1-12)"
	if [ ! -x "$tc_dir/testcontainers.test" ]; then
		say "building testcontainers-go's test and its reaper (scripts/build-testcontainers.sh) in the background"
		"$REPO/scripts/build-testcontainers.sh" "$tc_dir" >"$logs/testcontainers-build.log" 2>&1 &
		TC_BUILD=$!
	fi
fi

# runc's own integration suite (scripts/runc-suite.sh, issue 27): runc's
# tests/integration at a 1.4 release through the Go module proxy, its
# helpers and root filesystems, built in the background as compose. It
# runs against final/'s mydocker-runc after the integration tests: on a
# cgroup v2 host here, else in the cgroup v2 VM.
RUNC_SUITE_BUILD=""
rm -f "$BUILD/runc-suite.failed"
if [[ " ${targets[*]} " == *" final "* ]] && [ -d "$REPO/final/cmd/mydocker-runc" ]; then
	say "building runc's integration suite (scripts/runc-suite.sh --build-only) in the background"
	# At a lower priority: the unit tests, which the integration tests
	# wait for, come first; the suite is needed a quarter of an hour later.
	# A failure leaves runc-suite.failed, which the VM looks for.
	(nice -n 10 "$REPO/scripts/runc-suite.sh" --build-only --runtimes runc >"$logs/runc-suite-build.log" 2>&1 ||
		{ touch "$BUILD/runc-suite.failed"; exit 1; }) &
	RUNC_SUITE_BUILD=$!
fi

say "static checks"
check "gofmt" gofmt_clean
# Every build below is GOWORK=off; a learner's "go build" in a stage
# uses go.work, which must name a Go no older than any stage asks for.
check "the go.work workspace loads" bash -c "cd '$REPO' && GOWORK='$REPO/go.work' go list -m"
check "bats files load" bats_parse
check "bats tests have no bare ! line" no_bare_bang
check "stage READMEs list their changes" "$REPO/scripts/stage-changes.sh" --check
check "docs name what the code does" "$REPO/scripts/check-docs.sh"

for stage in "${targets[@]}"; do
	say "$stage: vet, build, unit tests"
	check "$stage: go vet" bash -c "cd '$REPO/$stage' && go vet ./..."
	check "$stage: build (GOWORK=off)" bash -c \
		"cd '$REPO/$stage' && go build -o '$BUILD/$stage/mydocker' ./cmd/mydocker"
	# final/ also builds the OCI runtime, mydocker-runc (final-oci.bats).
	if [ -d "$REPO/$stage/cmd/mydocker-runc" ]; then
		check "$stage: build mydocker-runc" bash -c \
			"cd '$REPO/$stage' && go build -o '$BUILD/$stage/mydocker-runc' ./cmd/mydocker-runc"
	fi
	# final/'s container init and monitor as small static binaries beside
	# mydocker, which run starts instead of re-executing mydocker (issue 23).
	for helper in mydocker-init mydocker-monitor; do
		if [ -d "$REPO/$stage/cmd/$helper" ]; then
			check "$stage: build $helper" bash -c \
				"cd '$REPO/$stage' && CGO_ENABLED=0 go build -trimpath -o '$BUILD/$stage/$helper' ./cmd/$helper"
		fi
	done
	# final/'s tests pull from a registry of their own on 127.0.0.1.
	if [ -d "$REPO/$stage/internal/testregistry" ]; then
		check "$stage: build the test registry" bash -c \
			"cd '$REPO/$stage' && go build -o '$BUILD/$stage/testregistry' ./internal/testregistry/cmd"
	fi
	# final-api.bats drives the Engine API (final/api) with the real
	# docker CLI, built once per version from the Go module proxy (some
	# minutes the first time); where it cannot be built, the test skips.
	if [ -d "$REPO/$stage/api" ] && ! docker_cli_built "$stage"; then
		say "$stage: building the docker CLI $DOCKER_CLI_VERSION (github.com/docker/cli)"
		"$REPO/scripts/build-docker-cli.sh" "$DOCKER_CLI_VERSION" "$BUILD/$stage/docker" >"$logs/docker-cli-build.log" 2>&1 ||
			say "could not build the docker CLI (see $logs/docker-cli-build.log): final-api.bats will skip"
	fi
	if [ -d "$REPO/$stage/api" ] && ! compose_built "$stage"; then
		say "$stage: building docker compose $COMPOSE_VERSION (github.com/docker/compose) in the background"
		"$REPO/scripts/build-compose.sh" "$COMPOSE_VERSION" "$BUILD/$stage/docker-compose" >"$logs/compose-build.log" 2>&1 &
		COMPOSE_BUILDS+=($!)
	fi
	log="$logs/$stage-unit.log"
	(cd "$REPO/$stage" && go test -count=1 -v ./...) >"$log" 2>&1
	rc=$?
	count_go "$log"
	if [ $rc -ne 0 ] && ! grep -q '^--- FAIL' "$log"; then
		# A build failure or a panic: no test line says so.
		failed=$((failed + 1))
		tail -n 20 "$log" | sed 's/^/        /'
	fi
	[ $rc -eq 0 ] || failures+=("$stage: unit tests")
done

# crictl, for final-containerd.bats's CRI test (the path a Kubernetes node
# takes), built once from the Go module proxy where containerd is here.
CRICTL_VERSION=v1.37.0
if have_tool containerd && [ ! -x "$BUILD/tools/crictl-$CRICTL_VERSION" ]; then
	say "building crictl $CRICTL_VERSION (sigs.k8s.io/cri-tools)"
	mkdir -p "$BUILD/tools"
	if GOWORK=off GOBIN="$BUILD/tools" go install "sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL_VERSION" >"$logs/crictl-build.log" 2>&1; then
		mv "$BUILD/tools/crictl" "$BUILD/tools/crictl-$CRICTL_VERSION"
	else
		say "could not build crictl (see $logs/crictl-build.log): the CRI test will skip"
	fi
fi
[ -x "$BUILD/tools/crictl-$CRICTL_VERSION" ] && export CRICTL="$BUILD/tools/crictl-$CRICTL_VERSION"

# The busybox image that chapter 4 on runs, made once from the host's
# static busybox: every test copies it into a state root of its own.
say "busybox image for the integration tests"
ensure_tools busybox
check "busybox image" "$REPO/scripts/busybox-image.sh" --from busybox --out "$BUILD/images/busybox.tar"
export BUSYBOX_TAR="$BUILD/images/busybox.tar"

# count_runc_suite STATUS LOG counts runc's integration suite as one check
# (its own counts are in its report); an empty STATUS (the VM stopped
# before it) is a failure.
count_runc_suite() {
	if [ "${1:-1}" = 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)) failures+=("runc's integration suite")
	fi
	[ "$2" = "$logs/runc-suite.log" ] || return 0
	sed -n '/^  [a-z_]*\.bats /p; /^runc v/,$p' "$2" | sed 's/^/        /'
}

# vm_plan prints what the cgroup v2 VM runs: the newest stage tested, with
# its chapters' files that hold tests tagged "cgroups" (helpers.bash) or
# "criu", of which in-vm.sh runs those tests only. Under emulation each container costs
# a second or more, so the VM is not cumulative over stages: "scripts/test.sh
# STAGE" puts any one stage through it.
vm_plan() {
	local newest=${targets[${#targets[@]} - 1]} chapters
	chapters=$(bats_names_through "$newest" | while read -r name; do
		grep -q -E '^# bats (test|file)_tags=(.*,)?(cgroups|criu)(,|$)' "$REPO/scripts/integration/$name.bats" && echo "$name"
	done | paste -s -d, -)
	[ -n "$chapters" ] && echo "$newest:$chapters"
	return 0
}

# vm_run PLAN...: the cgroup v2 VM's run, its TAP in vm-integration.log and
# its status in vm-integration.status. Under emulation a test costs 5 to
# 25 s here, and the VM runs some 70 tests.
# Beside the host's tests (vm_nice=3), qemu gives way to them a little:
# its two emulated CPUs would take two of CI's two cores from the host's
# tests, which are the longer path (the VM has minutes to spare), and a
# VM spinning in the background made them half again as slow.
vm_nice=0
vm_run() {
	local try vm_status
	for try in 1 2; do
		rm -f "$logs/vm-ps.log"
		MYDOCKER_VM_CONSOLE="$logs/vm-console.log" nice -n "$vm_nice" "$REPO/scripts/vm-run.sh" --timeout 2700 "$REPO" -- \
			env VM_PS_LOG="$logs/vm-ps.log" "$REPO/scripts/integration/in-vm.sh" "$@" >"$logs/vm-integration.log" 2>&1
		vm_status=$?
		# 75: the emulated kernel locked up, which says nothing of ours.
		[ "$vm_status" -eq 75 ] && [ "$try" = 1 ] && say "the VM locked up: once more" && continue
		break
	done
	echo "$vm_status" >"$logs/vm-integration.status"
}

# The VM runs beside the host's integration tests, from here on: it needs
# only the binaries and the image made above, it runs its containers in
# its own kernel, and it keeps about one core busy while the host's tests
# mostly wait on containers, so the two together take little more than the
# longer of them (MYDOCKER_VM_SERIAL=1 runs it after them instead).
newest=${targets[${#targets[@]} - 1]}
# runc's suite runs where its build (under way) is waited for: in the VM
# (in-vm.sh), or on a cgroup v2 host after the integration tests.
runc_suite=""
if [ -n "$RUNC_SUITE_BUILD" ] && [ -x "$BUILD/$newest/mydocker-runc" ]; then
	runc_suite=1
fi
# runc_suite_built: whether the build in the background succeeded (said,
# and counted as a skip, when it did not).
runc_suite_built() {
	if wait "$RUNC_SUITE_BUILD" && [ ! -e "$BUILD/runc-suite.failed" ]; then
		return 0
	fi
	say "could not build runc's integration suite (see $logs/runc-suite-build.log): it is skipped"
	skipped=$((skipped + 1))
	return 1
}
vm_pid="" vm_planned=""
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
	say "this host is cgroup v2: the checks below run on v2, no VM needed"
elif [ -n "${MYDOCKER_SKIP_VM:-}" ]; then
	say "MYDOCKER_SKIP_VM is set: the cgroup v2 checks in the VM are skipped"
	skipped=$((skipped + 1))
else
	mapfile -t plan < <(vm_plan)
	# runc's suite runs in the VM, after the chapters' tests.
	if [ -n "$runc_suite" ] && [ ${#plan[@]} -gt 0 ] && [ "$newest" = final ]; then
		plan+=(runc-suite) runc_suite=vm
	fi
	if [ ${#plan[@]} -gt 0 ]; then
		vm_planned=1
		rm -f "$logs/vm-integration.status"
		if [ -z "${MYDOCKER_VM_SERIAL:-}" ]; then
			say "cgroup v2 VM (this host has cgroup v1), in the background: ${plan[*]}"
			vm_nice=3 vm_run "${plan[@]}" &
			vm_pid=$!
		fi
	fi
fi
vm_started=$(date +%s)

# The OCI runtime-tools validation of runc and crun, the yardstick that
# mydocker-runc's count is read against, runs beside the integration tests
# from here on, in a mount namespace of its own: their containers'
# mounts never reach the host's table, which tests compare, their
# processes and cgroups are not mydocker's, and they touch no network.
# mydocker-runc's own validation runs after the tests, as before (its
# cgroups are mydocker-runc/ID, which the tests' leak checks count).
oci_others_pid=""
if [ -x "$BUILD/$newest/mydocker-runc" ]; then
	say "$newest: OCI runtime-tools validation of runc and crun, in the background"
	unshare --mount --propagation private -- "$REPO/scripts/oci-validation.sh" --others-only \
		>"$logs/oci-validation-others.log" 2>&1 &
	oci_others_pid=$!
fi

# Each test's time is in the logs (bats --timing): the run must stay
# under CI's 45 minutes, and the slow tests are where to look first. A
# test that hangs fails after 300 s (the slowest take 20), showing the
# processes then (helpers.bash's teardown), instead of holding CI.
for pid in "${COMPOSE_BUILDS[@]}"; do
	wait "$pid" || say "could not build docker compose (see $logs/compose-build.log): final-api-compose.bats will skip"
done
if [ -n "$TC_BUILD" ] && ! wait "$TC_BUILD"; then
	say "could not build testcontainers-go's test (see $logs/testcontainers-build.log): final-api-testcontainers.bats will skip"
fi
if [ -n "${tc_dir:-}" ] && [ -x "$tc_dir/testcontainers.test" ]; then
	export TC_TEST="$tc_dir/testcontainers.test"
fi
for stage in "${targets[@]}"; do
	bin="$BUILD/$stage/mydocker"
	[ -x "$bin" ] || continue
	mapfile -t files < <(bats_names_through "$stage" | sed "s#.*#$REPO/scripts/integration/&.bats#")
	say "$stage: integration tests of $(stages_through "$stage" | tr '\n' ' ')"
	log="$logs/$stage-integration.log"
	MYDOCKER="$bin" STAGE="$stage" TESTREGISTRY="$BUILD/$stage/testregistry" DOCKER_CLI="$(docker_cli "$stage")" COMPOSE_PLUGIN="$(compose_plugin "$stage")" BATS_TEST_TIMEOUT=300 bats --timing --formatter tap "${files[@]}" 2>&1 | tee "$log" |
		grep -v '^ok ' | sed 's/^/        /'
	count_integration "$log" "${PIPESTATUS[0]}" "$stage: integration tests"
done

# systemd makes "/" a shared mount, and then mounts propagate between
# peers; this machine (or CI's) may keep them private. The newest stage's
# integration tests run once more in a mount namespace whose mounts are all
# shared, so that systemd's layout is tested on every run.
if [ -x "$BUILD/$newest/mydocker" ]; then
	mapfile -t files < <(bats_names_through "$newest" | sed "s#.*#$REPO/scripts/integration/&.bats#")
	say "$newest: integration tests again with every mount shared, as systemd makes them"
	log="$logs/$newest-integration-shared.log"
	MYDOCKER="$BUILD/$newest/mydocker" STAGE="$newest" TESTREGISTRY="$BUILD/$newest/testregistry" DOCKER_CLI="$(docker_cli "$newest")" COMPOSE_PLUGIN="$(compose_plugin "$newest")" BATS_TEST_TIMEOUT=300 unshare --mount --propagation shared -- \
		bats --timing --formatter tap "${files[@]}" 2>&1 | tee "$log" | grep -v '^ok ' | sed 's/^/        /'
	count_integration "$log" "${PIPESTATUS[0]}" "$newest: integration tests with shared mounts"
fi

# runc's integration suite on a cgroup v2 host (else it ran in the VM):
# mydocker-runc's passed, failed and skipped, and each of its files; it
# fails on a failure scripts/runc-suite/known-failures.txt does not list.
if [ "$runc_suite" = 1 ] && runc_suite_built; then
	say "$newest: runc's integration suite (scripts/runc-suite.sh --subset), mydocker-runc"
	log="$logs/runc-suite.log"
	"$REPO/scripts/runc-suite.sh" --no-build --subset --runtimes mydocker-runc >"$log" 2>&1
	count_runc_suite $? "$log"
fi

# The OCI runtime-tools validation suite, against mydocker-runc and, in
# the same run, runc and crun where installed: its table is in the log,
# and mydocker-runc must keep at least 36 test binaries clean.
if [ -x "$BUILD/$newest/mydocker-runc" ]; then
	say "$newest: OCI runtime-tools validation (mydocker-runc; runc and crun ran beside the tests)"
	log="$logs/oci-validation.log"
	"$REPO/scripts/oci-validation.sh" --ours-only --min 36 >"$log" 2>&1
	rc=$?
	sed -n '/^runtime-tools /,$p' "$log" | sed 's/^/        /'
	if [ $rc -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("OCI validation"); tail -n 5 "$log" | sed 's/^/        /'; fi
	wait "$oci_others_pid"
	rc=$?
	sed -n '/^runtime-tools /,$p' "$logs/oci-validation-others.log" | tail -n +2 | sed 's/^/        /'
	if [ $rc -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("OCI validation of runc and crun"); tail -n 5 "$logs/oci-validation-others.log" | sed 's/^/        /'; fi
fi

# The fault-injection suite (scripts/faults.sh): kill -9 at sampled steps,
# a full disk, low descriptors and pids, the host's network changed under
# us, garbled state, a 200-container soak. Its cases count one each; its
# closing line ("faults: C cases, F faults injected, L leaks found, ...")
# is shown.
if [ "$newest" = final ] && [ -x "$BUILD/final/mydocker" ]; then
	# Every file, the kill -9 sweep last; FAULTS_FILES runs some only.
	say "final: fault-injection suite (${FAULTS_FILES:=state network limits disk soak build kill})"
	log="$logs/faults.log"
	FAULTS_FILES="$FAULTS_FILES" MYDOCKER="$BUILD/final/mydocker" TESTREGISTRY="$BUILD/final/testregistry" BUSYBOX_TAR="$BUSYBOX_TAR" \
		"$REPO/scripts/faults.sh" final >"$log" 2>&1
	rc=$?
	grep -E '^(not ok|### case FAILED)' "$log" | sed 's/^/        /'
	closing=$(grep '^faults: ' "$log" | tail -n 1)
	echo "        ${closing:-faults: no closing line (see $log)}"
	cases=$(echo "$closing" | sed -n 's/^faults: \([0-9]*\) cases.*/\1/p')
	bad=$(echo "$closing" | sed -n 's/.* \([0-9]*\) cases failed.*/\1/p')
	passed=$((passed + ${cases:-0} - ${bad:-0})) failed=$((failed + ${bad:-0}))
	if [ $rc -ne 0 ]; then
		failures+=("fault-injection suite")
		[ "${bad:-0}" -gt 0 ] || failed=$((failed + 1))
	fi
fi

# The benchmark's check (scripts/bench.sh --check): final/'s targets
# next to runc, crun and conmon, few rounds, with a warning for each ratio
# more than twice its baseline. It reports; it fails only when a command
# it times fails.
if [ "$newest" = final ] && [ -x "$BUILD/final/mydocker" ]; then
	say "final: benchmark check (scripts/bench.sh --check)"
	log="$logs/bench-check.log"
	"$REPO/scripts/bench.sh" --check >"$log" 2>&1
	rc=$?
	sed -n '/^target /,/^$/p; /^warning: /p; /^bench check: /p' "$log" | sed 's/^/        /'
	if [ $rc -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("benchmark check"); tail -n 5 "$log" | sed 's/^/        /'; fi
fi

if [ -n "$vm_planned" ]; then
	if [ -n "$vm_pid" ]; then
		say "cgroup v2 VM: waiting for it ($(($(date +%s) - vm_started)) s so far)"
		wait "$vm_pid"
	else
		say "cgroup v2 VM (this host has cgroup v1): ${plan[*]}"
		vm_run "${plan[@]}"
	fi
	log="$logs/vm-integration.log"
	vm_status=$(cat "$logs/vm-integration.status" 2>/dev/null || echo 125)
	grep -v '^ok ' "$log" | sed 's/^/        /'
	# A VM that did not finish: where it was (in-vm.sh's last snapshot).
	if [ "$vm_status" -gt 1 ] && [ -s "$logs/vm-ps.log" ]; then
		echo "        the VM's busiest processes at its last snapshot ($logs/vm-ps.log):"
		sed -n '1p; /^ *PID /,$p' "$logs/vm-ps.log" | head -n 25 | cut -c1-200 | sed 's/^/        /'
	fi
	say "cgroup v2 VM: done $(($(date +%s) - vm_started)) s after it started"
	count_integration "$log" "$vm_status" "integration tests in the cgroup v2 VM"
	if [ "$runc_suite" = vm ] && runc_suite_built; then
		count_runc_suite "$(sed -n 's/^# runc-suite status //p' "$log")" "$log"
	fi
fi

echo
echo "took $(($(date +%s) - started)) s; logs in $logs"
if [ ${#failures[@]} -gt 0 ]; then
	echo "failed: ${failures[*]}"
fi
echo "summary: $passed passed, $failed failed, $skipped skipped"
[ ${#failures[@]} -eq 0 ] && [ "$failed" -eq 0 ]
