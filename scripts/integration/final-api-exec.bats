#!/usr/bin/env bats
# final/: docker's Engine API, the interactive and foreground paths
# (issue 26): attach (the hijacked stream docker run without -d uses),
# wait's conditions with --rm, resize, restart, and exec (create, start,
# inspect, resize). The real docker CLI (DOCKER_CLI) drives mydocker
# system service on a socket under the test's directory; -t goes through
# a pty (script). A client that hangs up leaves nothing behind.

load api_helpers

# in_pty COMMAND: runs the shell command line under a pseudo-terminal
# (script), as from a user's terminal, our stdin typed on it; its output
# with the CRs taken out.
in_pty() {
	local status=0
	script -qec "$1" /dev/null >"$BATS_TEST_TMPDIR/pty.out" || status=$?
	tr -d '\r' <"$BATS_TEST_TMPDIR/pty.out"
	return $status
}

# server_conns: how many sockets and pidfds the server holds: its
# listening socket, then one per client's connection, connection to a
# container's monitor, and wait on a container.
server_conns() {
	ls -l "/proc/$SERVER_PID/fd" | grep -c 'socket:\|pidfd'
}

# until_conns N: waits (up to 3 s) until the server holds N of them.
until_conns() {
	local i
	for ((i = 0; i < 60; i++)); do
		[ "$(server_conns)" -eq "$1" ] && return 0
		sleep 0.05
	done
	echo "the server holds $(server_conns) sockets and pidfds, not $1:" >&2
	ls -l "/proc/$SERVER_PID/fd" >&2
	return 1
}

@test "final: api: docker run in the foreground: output, exit codes, stdin, --rm" {
	run --separate-stderr docker run --rm --network none busybox sh -c 'echo hi; echo oops >&2'
	echo "$output $stderr"
	[ "$status" -eq 0 ]
	[ "$output" = hi ]
	[ "$stderr" = oops ]
	# stdin to its end, then the exit code of a --rm container (read
	# from its die event: it is gone when the CLI asks).
	run bash -c 'echo x | "$DOCKER_CLI" run -i --rm --network none busybox sh -c "cat; exit 3"'
	[ "$status" -eq 3 ]
	[ "$output" = x ]
	# --rm removed them all, once each exited.
	run md ps -a -q
	[ "$output" = "" ]
	# Without --rm: it stays, exited with its code.
	run docker run --name api-fg --network none busybox sh -c 'echo kept; exit 5'
	[ "$status" -eq 5 ]
	[ "$output" = kept ]
	run docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' api-fg
	[ "$output" = "exited 5" ]
	# start -a attaches again, and sees the new run's output.
	run docker start -a api-fg
	[ "$status" -eq 5 ]
	[ "$output" = kept ]
	run docker rm api-fg
	[ "$status" -eq 0 ]
}

# type_then_detach types a command for api-sh's shell, then, once its
# output is in the log (the CLI's terminal is raw by then), ctrl-p ctrl-q.
type_then_detach() {
	printf 'echo at''tached\n'
	for ((i = 0; i < 40; i++)); do
		"$DOCKER_CLI" logs api-sh 2>/dev/null | grep -q '^attached' && break
		sleep 0.05
	done
	printf '\020\021'
}

@test "final: api: docker run -t and -it under a terminal, and resize" {
	# -it: what is typed reaches the shell on its terminal, its exit code ours.
	run in_pty '"$DOCKER_CLI" run -it --rm --network none busybox sh' <<<'tty; exit 7'
	echo "$output"
	[ "$status" -eq 7 ]
	[[ "$output" == *"/dev/pts/"* ]]
	run in_pty "\"\$DOCKER_CLI\" run -t --rm --network none busybox sh -c 'tty; exit 2'" </dev/null
	[ "$status" -eq 2 ]
	[[ "$output" == *"/dev/pts/"* ]]
	# resize reaches the terminal of a container that runs.
	docker run -dt --name api-tty --network none busybox sh -c 'while :; do stty size; sleep 0.05; done' >/dev/null
	run curl -sS -o /dev/null -w '%{http_code}' -X POST --unix-socket "$SOCK" "http://mydocker/v1.44/containers/api-tty/resize?h=33&w=77"
	[ "$output" = 200 ]
	for ((i = 0; i < 40; i++)); do docker logs api-tty | grep -q '^33 77' && break; sleep 0.05; done
	docker logs api-tty | grep -q '^33 77'
	run docker rm -f api-tty
	[ "$status" -eq 0 ]
}

@test "final: api: docker attach, ctrl-p ctrl-q, and restart" {
	# attach, then ctrl-p ctrl-q: detached, and it runs on. The keys go
	# once the container has answered, the terminal raw by then.
	docker run -dit --name api-sh --network none busybox sh >/dev/null
	# docker's CLI says so, and exits 1, as with docker's daemon.
	run in_pty '"$DOCKER_CLI" attach api-sh' < <(type_then_detach)
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *attached*"read escape sequence"* ]]
	run docker inspect -f '{{.State.Status}}' api-sh
	[ "$output" = running ]
	# restart: a new run of it.
	started=$(docker inspect -f '{{.State.StartedAt}}' api-sh)
	run docker restart -t 0 api-sh
	[ "$status" -eq 0 ]
	[ "$output" = api-sh ]
	run docker inspect -f '{{.State.Status}}' api-sh
	[ "$output" = running ]
	[ "$(docker inspect -f '{{.State.StartedAt}}' api-sh)" != "$started" ]
	run docker rm -f api-sh
	[ "$status" -eq 0 ]
}

@test "final: api: a client that hangs up during attach, run or exec leaves nothing behind" {
	docker run -d --name api-hup --network none busybox sh -c 'echo up; exec sleep 100' >/dev/null
	until_conns 1 # the listening socket alone
	# attach, killed: the server lets go of its stream and of the monitor.
	"$DOCKER_CLI" attach api-hup >/dev/null 2>&1 3>&- &
	client=$!
	for ((i = 0; i < 40; i++)); do [ "$(server_conns)" -gt 2 ] && break; sleep 0.05; done
	[ "$(server_conns)" -gt 2 ]
	kill -9 "$client"
	until_conns 1
	# exec, killed: its command is killed too.
	"$DOCKER_CLI" exec api-hup sleep 4242 >/dev/null 2>&1 3>&- &
	client=$!
	for ((i = 0; i < 40; i++)); do pgrep -f 'sleep 4242' >/dev/null && break; sleep 0.05; done
	pgrep -f 'sleep 4242' >/dev/null
	kill -9 "$client"
	for ((i = 0; i < 40; i++)); do pgrep -f 'sleep 4242' >/dev/null || break; sleep 0.05; done
	run pgrep -f 'sleep 4242'
	[ "$status" -ne 0 ]
	until_conns 1
	# A foreground run, killed: the container runs on, as docker's.
	"$DOCKER_CLI" run --name api-fg-hup --network none busybox sh -c 'echo started; exec sleep 100' >/dev/null 2>&1 3>&- &
	client=$!
	for ((i = 0; i < 40; i++)); do docker logs api-fg-hup 2>/dev/null | grep -q started && break; sleep 0.05; done
	kill -9 "$client"
	until_conns 1
	run docker inspect -f '{{.State.Status}}' api-hup api-fg-hup
	[ "$output" = "$(printf 'running\nrunning')" ]
	run docker rm -f api-hup api-fg-hup
	[ "$status" -eq 0 ]
}

@test "final: api: docker exec: output, exit codes, stdin, -e -u -w, and -it" {
	docker run -d --name api-ex --network none busybox sleep 100 >/dev/null
	run --separate-stderr docker exec api-ex sh -c 'echo hi; echo oops >&2; exit 4'
	[ "$status" -eq 4 ]
	[ "$output" = hi ]
	[ "$stderr" = oops ]
	run bash -c 'echo in | "$DOCKER_CLI" exec -i api-ex cat'
	[ "$output" = in ]
	run docker exec -e GREETING=hello -u nobody -w /tmp api-ex sh -c 'echo $GREETING $(id -u) $(pwd)'
	[ "$output" = "hello 65534 /tmp" ]
	# -it: a terminal of the container's, what is typed, the exit code.
	run in_pty '"$DOCKER_CLI" exec -it api-ex sh' <<<'tty; exit 6'
	echo "$output"
	[ "$status" -eq 6 ]
	[[ "$output" == *"/dev/pts/"* ]]
	run docker rm -f api-ex
	[ "$status" -eq 0 ]
}

@test "final: api: docker exec -d, exec inspect, and exec's errors" {
	docker run -d --name api-ex --network none busybox sleep 100 >/dev/null
	# -d: the command runs on, the CLI returns at once.
	run docker exec -d api-ex sh -c 'echo done >/tmp/d'
	[ "$status" -eq 0 ]
	for ((i = 0; i < 40; i++)); do docker exec api-ex cat /tmp/d 2>/dev/null | grep -q done && break; sleep 0.05; done
	run docker exec api-ex cat /tmp/d
	[ "$output" = done ]
	# exec inspect: the exit code, and docker's errors.
	id=$(curl -sS --unix-socket "$SOCK" -H 'Content-Type: application/json' -d '{"Cmd":["sh","-c","exit 9"]}' http://mydocker/v1.44/containers/api-ex/exec | sed -n 's/.*"Id":"\([0-9a-f]*\)".*/\1/p')
	[[ "$id" =~ ^[0-9a-f]{64}$ ]]
	curl -sS --unix-socket "$SOCK" -H 'Content-Type: application/json' -d '{"Detach":true}' "http://mydocker/v1.44/exec/$id/start"
	for ((i = 0; i < 40; i++)); do curl -sS --unix-socket "$SOCK" "http://mydocker/v1.44/exec/$id/json" | grep -q '"Running":false' && break; sleep 0.05; done
	run curl -sS --unix-socket "$SOCK" "http://mydocker/v1.44/exec/$id/json"
	[[ "$output" == *'"ExitCode":9'* ]]
	run curl -sS -o /dev/null -w '%{http_code}' --unix-socket "$SOCK" -H 'Content-Type: application/json' -d '{"Detach":true}' "http://mydocker/v1.44/exec/$id/start"
	[ "$output" = 409 ]
	run curl -sS --unix-socket "$SOCK" "http://mydocker/v1.44/exec/nosuch/json"
	[[ "$output" == *'No such exec instance: nosuch'* ]]
	run --separate-stderr docker exec api-nosuch true
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"No such container: api-nosuch"* ]]
	docker stop -t 0 api-ex >/dev/null
	run --separate-stderr docker exec api-ex true
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"is not running"* ]]
	run docker rm api-ex
	[ "$status" -eq 0 ]
}

# ws_attach CONTAINER INPUT: attaches over a websocket (attach/ws, with
# stdin), sends INPUT as one message, prints what comes back until a
# line with "via-ws", then hangs up.
ws_attach() {
	python3 - "$SOCK" "$1" "$2" <<'PY'
import os, socket, sys
sock, name, text = sys.argv[1], sys.argv[2], sys.argv[3].encode()
s = socket.socket(socket.AF_UNIX)
s.settimeout(3)
s.connect(sock)
s.sendall((f"GET /v1.44/containers/{name}/attach/ws?stream=1&stdin=1&stdout=1&stderr=1 HTTP/1.1\r\n"
           "Host: mydocker\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
head = b""
while b"\r\n\r\n" not in head:
    head += s.recv(1)
print(head.split(b"\r\n")[0].decode())
mask = os.urandom(4)
s.sendall(bytes([0x82, 0x80 | len(text)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(text)))
got = b""
while b"via-ws\n" not in got:
    h = s.recv(2)
    n = h[1] & 0x7F
    payload = b""
    while len(payload) < n:
        payload += s.recv(n - len(payload))
    got += payload
print(got.decode(), end="")
s.close()
PY
}

@test "final: api: attach over a websocket: input in, output out, and a hang-up lets go" {
	docker run -di --name api-ws --network none busybox sh >/dev/null
	until_conns 1
	run ws_attach api-ws $'echo via-ws\n'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "HTTP/1.1 101 Switching Protocols" ]
	[ "${lines[1]}" = via-ws ]
	until_conns 1
	run docker inspect -f '{{.State.Status}}' api-ws
	[ "$output" = running ]
	run curl -sS --unix-socket "$SOCK" "http://mydocker/v1.44/containers/api-nosuch/attach/ws?stream=1&stdout=1"
	[[ "$output" == *"No such container: api-nosuch"* ]]
	run docker rm -f api-ws
	[ "$status" -eq 0 ]
}
