#!/usr/bin/env bats
# Chapter 3.1: the container runs in its own UTS, PID, mount, IPC and
# network namespaces, with its own /proc, and the host is left as it was.

load helpers

@test "the command is PID 1" {
	run md_run -- sh -c 'echo $$'
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "/proc shows only the container's processes" {
	# The loop is a shell builtin: the only process is the shell itself.
	run md_run -- sh -c 'for p in /proc/[0-9]*; do echo "${p#/proc/}"; done'
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "a hostname set inside leaves the host's alone" {
	before=$(hostname)
	run md_run -- sh -c 'hostname mydocker-test && hostname'
	[ "$status" -eq 0 ]
	[ "$output" = mydocker-test ]
	[ "$(hostname)" = "$before" ]
}

@test "the network namespace has only lo" {
	run md_run -- cat /proc/net/dev
	[ "$status" -eq 0 ]
	links=$(echo "$output" | sed 1,2d | cut -d: -f1 | tr -d ' ')
	[ "$links" = lo ]
}

@test "the container's namespaces differ from the host's" {
	run md_run -- sh -c 'for ns in ipc uts pid mnt net; do readlink /proc/self/ns/$ns; done'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 5 ]
	i=0
	for ns in ipc uts pid mnt net; do
		host=$(readlink /proc/self/ns/$ns)
		[[ "${lines[$i]}" == "$ns:["*"]" ]]
		[ "${lines[$i]}" != "$host" ]
		i=$((i + 1))
	done
}

@test "a mount made inside is invisible outside" {
	# Looked for while the container runs, wherever the host would show it
	# (/tmp here, inside the container's root from chapter 4 on).
	name=mydocker-test-mnt-$$
	out=$BATS_TEST_TMPDIR/out
	md_start "$out" -- sh -c "trap 'exit 0' TERM; mkdir -p /tmp/$name && mount -t tmpfs none /tmp/$name && touch /tmp/$name/inside && grep -c ' /tmp/$name ' /proc/self/mountinfo; echo ready; while :; do sleep 0.1; done"
	wait_for_line "$out" ready
	[ "$(head -n 1 "$out")" = 1 ]
	run ! grep -F "/$name " /proc/self/mountinfo
	kill -TERM "$MD_PID"
	wait "$MD_PID"
	[ ! -e "/tmp/$name/inside" ]
	rmdir "/tmp/$name" 2>/dev/null || true
}

@test "the host's /proc and mount table are unchanged after runs" {
	before=$(cat /proc/self/mountinfo)
	run md_run -- sh -c 'mount -t tmpfs none /tmp && echo ok'
	[ "$output" = ok ]
	run md_run -- true
	run -127 md_run -- no-such-command
	[ "$(cat /proc/self/mountinfo)" = "$before" ]
	# The host's /proc still shows the host: our own process is in it.
	[ -d "/proc/$$" ]
	[ "$(stat -f -c %T /proc)" = proc ]
}

@test "argv: spaces inside an argument survive" {
	run md_run -- sh -c 'echo "a  b"'
	[ "$status" -eq 0 ]
	[ "$output" = "a  b" ]
}

@test "argv: what follows the command is never read as our flag" {
	run md_run -ti -- ls -l /
	[ "$status" -eq 0 ]
	[[ "$output" == *proc* ]]

	run md_run -- echo -h
	[ "$output" = -h ]

	run md_run -- printf '[%s]' -m 1 --ti '' 'x  y' --
	[ "$status" -eq 0 ]
	[ "$output" = '[-m][1][--ti][][x  y][--]' ]
}

@test "argv: -- ends mydocker's flags" {
	run md_run -- -- ls -d /
	[ "$status" -eq 0 ]
	[ "$output" = / ]
}

@test "stdin is connected with -ti and closed without it" {
	piped() { echo hello | md_run "$@"; }
	run piped -ti -- cat
	[ "$status" -eq 0 ]
	[ "$output" = hello ]

	run piped -- cat
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "exit status: the container's own" {
	run md_run -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run md_run -- true
	[ "$status" -eq 0 ]
}

@test "exit status: 125 and one line when mydocker fails" {
	run --separate-stderr md_run --
	[ "$status" -eq 125 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"missing container command"* ]]

	run --separate-stderr md_run --no-such-flag -- true
	[ "$status" -eq 125 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"no-such-flag"* ]]
	[ "$output" = "" ]
}

@test "exit status: 127 for a command that does not exist" {
	run -127 --separate-stderr md_run -- mydocker-no-such-command
	[ "$status" -eq 127 ]
	[[ "$stderr" == *"mydocker-no-such-command"*"not found"* ]]
}

@test "exit status: 126 for a command that cannot be run" {
	run -126 --separate-stderr md_run -- /
	[ "$status" -eq 126 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "exit status: 128+N when signal N kills the container" {
	out=$BATS_TEST_TMPDIR/out
	md_start "$out" -- sh -c 'echo ready; while :; do sleep 0.1; done'
	wait_for_line "$out" ready
	kill -KILL "$(children "$MD_PID")"
	status=0
	wait "$MD_PID" || status=$?
	[ "$status" -eq 137 ]
}

@test "SIGTERM, SIGINT and SIGHUP sent to mydocker reach the container" {
	for sig in TERM INT HUP; do
		out=$BATS_TEST_TMPDIR/out.$sig
		md_start "$out" -- sh -c "trap 'echo got $sig; exit 42' $sig; echo ready; while :; do sleep 0.1; done"
		wait_for_line "$out" ready
		kill -"$sig" "$MD_PID"
		status=0
		wait "$MD_PID" || status=$?
		[ "$status" -eq 42 ]
		grep -q -x "got $sig" "$out"
	done
}
