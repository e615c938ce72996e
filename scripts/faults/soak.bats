#!/usr/bin/env bats
# The soak: 200 containers started and removed, 20 at a time, with ps,
# logs, exec and network commands between. After each batch is removed,
# the open files (this test's and the machine's, /proc/sys/fs/file-nr),
# the mounts and the cgroups are sampled: they must not grow with the
# batch count, and at the end the machine is exactly as before.

load helpers

setup() { fault_setup; }
teardown() { fault_teardown; }

SOAK_TOTAL=${SOAK_TOTAL:-200}
SOAK_BATCH=${SOAK_BATCH:-20}

# sample: "fds file-nr mounts cgroups" now.
sample() {
	echo "$(ls /proc/$$/fd | wc -l) $(cut -f1 /proc/sys/fs/file-nr) $(wc -l </proc/self/mountinfo) $(mydocker_cgroups | wc -l)"
}

batch() {
	local b=$1 i pids=() ids id net=bridge
	# every other batch on a network of its own, made and removed here
	if [ $((b % 2)) -eq 1 ]; then
		net=soak$b
		md network create "$net" >/dev/null
	fi
	for ((i = 0; i < SOAK_BATCH; i++)); do
		md run -d --name "soak-$b-$i" --network "$net" busybox sh -c "echo hello $b $i; sleep 1000" >/dev/null &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || { echo "a run -d of batch $b failed" >&2; return 1; }; done
	[ "$(md ps -q | wc -l)" -eq "$SOAK_BATCH" ] || { echo "batch $b: not $SOAK_BATCH running" >&2; md ps -a >&2; return 1; }
	for ((i = 0; i < SOAK_BATCH; i += 5)); do
		[ "$(md logs "soak-$b-$i")" = "hello $b $i" ] || { echo "logs of soak-$b-$i" >&2; return 1; }
		md exec "soak-$b-$i" true
	done
	md network ls >/dev/null
	md network inspect "$net" >/dev/null
	ids=$(md ps -a -q)
	md rm -f $ids >/dev/null
	[ "$net" = bridge ] || md network rm "$net" >/dev/null
	[ -z "$(md ps -a -q)" ] || { echo "batch $b: containers left after rm -f" >&2; md ps -a >&2; return 1; }
}

# no_growth SAMPLES COLUMN SLACK NAME: the largest of the last three
# samples may not exceed the largest of the first three by more than SLACK.
no_growth() {
	local first last
	first=$(head -n 3 "$1" | awk -v c="$2" '{ if ($c > m) m = $c } END { print m }')
	last=$(tail -n 3 "$1" | awk -v c="$2" '{ if ($c > m) m = $c } END { print m }')
	if [ "$last" -gt $((first + $3)) ]; then
		leak "$4 grew with the loop: from $first to $last (samples in column $2: $(awk -v c="$2" '{ printf "%s ", $c }' "$1"))"
	fi
}

@test "soak: $SOAK_TOTAL containers, $SOAK_BATCH at a time, with ps, logs, exec and network: nothing grows" {
	local b samples=$BATS_TEST_TMPDIR/samples
	md run --rm busybox true # the default network, made once
	local base
	base=$(sample)
	: >"$samples"
	for ((b = 0; b < SOAK_TOTAL / SOAK_BATCH; b++)); do
		fault_case "soak batch $b" batch "$b"
		sample >>"$samples"
	done
	echo "soak samples (fds file-nr mounts cgroups), before: $base" >&3
	sed 's/^/    /' "$samples" >&3
	fault_case "soak: this test's descriptors do not grow" no_growth "$samples" 1 0 "open descriptors"
	fault_case "soak: the machine's open files do not grow" no_growth "$samples" 2 512 "/proc/sys/fs/file-nr"
	fault_case "soak: mounts do not grow" no_growth "$samples" 3 0 "mounts"
	fault_case "soak: cgroups do not grow" no_growth "$samples" 4 0 "cgroups"
	fault_case "soak: at the end the machine is as before" assert_clean
	cases_done
}
