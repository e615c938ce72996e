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
	run md_run "${AS_ROOT[@]}" -- sh -c 'hostname mydocker-test && hostname'
	[ "$status" -eq 0 ]
	[ "$output" = mydocker-test ]
	[ "$(hostname)" = "$before" ]
}

@test "the network namespace has only lo" {
	skip_in_final 'a container joins "bridge" unless --network none: "final: --network none has lo alone ..."'
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
	md_start "$out" "${AS_ROOT[@]}" -- sh -c "trap 'exit 0' TERM; mkdir -p /tmp/$name && mount -t tmpfs none /tmp/$name && touch /tmp/$name/inside && grep -c ' /tmp/$name ' /proc/self/mountinfo; echo ready; while :; do sleep 0.1; done"
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
	run md_run "${AS_ROOT[@]}" -- sh -c 'mount -t tmpfs none /tmp && echo ok'
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
	skip_in_final 'docker'"'"'s -i connects stdin there, and -t is a terminal of its own: "final: -i pipes stdin ..." and "final: -t ..."'
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
	kill -KILL "$(init_of_run)"
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

@test "init refuses to run by hand, outside a new container" {
	# In a mount namespace of its own, so that an init that did not refuse
	# could still not touch the host's mounts.
	before=$(cat /proc/self/mountinfo)
	run --separate-stderr unshare --mount --propagation private -- \
		bash -c 'exec "$0" init true 3<<<"[\"true\"]"' "$MYDOCKER"
	[ "$status" -eq 125 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"not PID 1 of a new PID namespace"* ]]
	[ "$(cat /proc/self/mountinfo)" = "$before" ]
}

@test "Ctrl-C at the terminal reaches a container without -ti once, not twice" {
	# script(1) gives mydocker a terminal of its own; a ^C typed into it
	# goes to the terminal's foreground process group.
	in=$BATS_TEST_TMPDIR/in out=$BATS_TEST_TMPDIR/out
	mkfifo "$in"
	run_argv -- sh -c 'n=0; trap "n=\$((n+1)); echo INT\$n" INT; echo ready; i=0; while [ $i -lt 15 ]; do sleep 0.1; i=$((i+1)); done; echo count$n; exit 3'
	script -q -f -e -c "$(printf '%q ' "${MD_ARGV[@]}")" /dev/null <"$in" >"$out" 2>&1 &
	spid=$!
	exec {keys}>"$in" # not fd 3: bats writes its report there
	for ((i = 0; i < 100; i++)); do grep -q ready "$out" && break; sleep 0.1; done
	printf '\003' >&"$keys"
	status=0
	wait "$spid" || status=$?
	exec {keys}>&-
	cat "$out"
	[ "$status" -eq 3 ]
	# The terminal echoes the ^C itself before the container's line.
	[ "$(tr -d '\r' <"$out" | grep -c 'INT[0-9]')" -eq 1 ]
	tr -d '\r' <"$out" | grep -x count1
}

@test "without -ti the container gets none of the caller's terminal: no /dev/tty, its output through pipes" {
	# script(1) gives mydocker a terminal of its own. A container that held
	# it (as its controlling terminal, or any descriptor of it: the book's
	# root has CAP_SYS_ADMIN) could type into the caller's shell (TIOCSTI).
	run_argv -- sh -c 'if (exec 3</dev/tty) 2>/dev/null; then echo tty-open; else echo tty-none; fi; for fd in 0 1 2; do [ -t $fd ] && echo fd$fd-terminal; done; echo done'
	run timeout 60 script -qec "$(printf '%q ' "${MD_ARGV[@]}")" /dev/null </dev/null
	echo "$output"
	[[ "$output" == *tty-none* ]]
	[[ "$output" != *terminal* ]]
	[[ "$output" == *done* ]]
}
