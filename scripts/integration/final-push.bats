#!/usr/bin/env bats
# final/: login, logout and push, against a test registry on 127.0.0.1
# that wants a user and a password. The credentials go where docker keeps
# them: $DOCKER_CONFIG/config.json, a directory of the test's own.

load helpers

setup_file() {
	: "${TESTREGISTRY:?set TESTREGISTRY to the testregistry binary (scripts/test.sh builds it)}"
	local addr_file=$BATS_FILE_TMPDIR/auth-registry.addr i
	"$TESTREGISTRY" serve-auth "$addr_file" tester s3cret 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/auth-registry.pid"
	for ((i = 0; i < 50; i++)); do [ -s "$addr_file" ] && break; sleep 0.1; done
	AUTH_REGISTRY=$(cat "$addr_file")
	export AUTH_REGISTRY
}

teardown_file() {
	kill "$(cat "$BATS_FILE_TMPDIR/auth-registry.pid")" 2>/dev/null || true
}

setup() {
	CGROUPS_BEFORE=$(mydocker_cgroups)
	md_setup_root
	export DOCKER_CONFIG=$BATS_TEST_TMPDIR/docker
}

@test "final: push: login checks the password with the registry and keeps it as docker does; logout forgets it" {
	run --separate-stderr md login -u tester -p wrong "$AUTH_REGISTRY"
	echo "$status $stderr"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"unauthorized: incorrect username or password"* ]]
	[ ! -e "$DOCKER_CONFIG/config.json" ]
	run --separate-stderr md login -u tester --password-stdin "$AUTH_REGISTRY" <<<"s3cret"
	echo "$status $output $stderr"
	[ "$status" -eq 0 ]
	[ "$output" = "Login Succeeded" ]
	[ "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["auths"][sys.argv[2]]["auth"])' "$DOCKER_CONFIG/config.json" "$AUTH_REGISTRY")" = "$(printf tester:s3cret | base64)" ]
	# -p on the command line works, and is warned about.
	run --separate-stderr md login -u tester -p s3cret "$AUTH_REGISTRY"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"WARNING! Using --password via the CLI is insecure"* ]]
	run md logout "$AUTH_REGISTRY"
	[ "$output" = "Removing login credentials for $AUTH_REGISTRY" ]
	[ "$(python3 -c 'import json, sys; print(sys.argv[2] in json.load(open(sys.argv[1])).get("auths", {}))' "$DOCKER_CONFIG/config.json" "$AUTH_REGISTRY")" = False ]
}

@test "final: push: an image goes to the registry, and comes back by pull, only with the credentials" {
	md tag busybox "$AUTH_REGISTRY/team/pushed:v1"
	run --separate-stderr md push "$AUTH_REGISTRY/team/pushed:v1"
	echo "$status $stderr"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *unauthorized* ]]
	md login -u tester --password-stdin "$AUTH_REGISTRY" <<<"s3cret" >/dev/null
	run md push "$AUTH_REGISTRY/team/pushed:v1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "The push refers to repository [$AUTH_REGISTRY/team/pushed]" ]
	[[ "${lines[-1]}" =~ ^v1:\ digest:\ sha256:[0-9a-f]{64}\ size:\ [0-9]+$ ]]
	digest=$(awk '{ print $3 }' <<<"${lines[-1]}")
	[ "$(md images --digests --format '{{.Digest}}' "$AUTH_REGISTRY/team/pushed")" = "$digest" ]
	# Gone here, it comes back from the registry, and runs.
	md rmi "$AUTH_REGISTRY/team/pushed:v1" >/dev/null
	md rmi busybox >/dev/null
	run md run --rm --network none "$AUTH_REGISTRY/team/pushed:v1" echo pulled-back
	[ "${lines[-1]}" = pulled-back ]
	# Logged out, the registry says no.
	md logout "$AUTH_REGISTRY" >/dev/null
	md rmi "$AUTH_REGISTRY/team/pushed:v1" >/dev/null
	run --separate-stderr md pull "$AUTH_REGISTRY/team/pushed:v1"
	[ "$status" -eq 125 ]
	run --separate-stderr md push "$AUTH_REGISTRY/team/nothing:v1"
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"An image does not exist locally with the tag: $AUTH_REGISTRY/team/nothing:v1"* ]]
}

# cred_helper: a docker credential helper, docker-credential-mdtest, in
# $BATS_TEST_TMPDIR/bin: docker's protocol (store, get, erase, list on
# stdin and stdout), its secrets kept as files under $BATS_TEST_TMPDIR/creds.
cred_helper() {
	mkdir -p "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/creds"
	cat >"$BATS_TEST_TMPDIR/bin/docker-credential-mdtest" <<-SH
		#!/bin/bash
		store=$BATS_TEST_TMPDIR/creds
		echo "\$1" >>"\$store/calls"
		case "\$1" in
		store) python3 -c 'import json, sys, os; d = json.load(sys.stdin); open(os.path.join(sys.argv[1], d["ServerURL"].replace("/", "_")), "w").write(json.dumps(d, separators=(",", ":")))' "\$store" ;;
		get)
			read -r url
			f=\$store/\${url//\//_}
			[ -f "\$f" ] || { echo "credentials not found in native keychain"; exit 1; }
			cat "\$f" ;;
		erase) read -r url; rm -f "\$store/\${url//\//_}" ;;
		list) echo '{}' ;;
		esac
	SH
	chmod +x "$BATS_TEST_TMPDIR/bin/docker-credential-mdtest"
	mkdir -p "$DOCKER_CONFIG"
	echo '{"credsStore": "mdtest"}' >"$DOCKER_CONFIG/config.json"
}

@test "final: push: with a credential helper (credsStore), login, push, pull and logout go through it, as docker's" {
	cred_helper
	export PATH=$BATS_TEST_TMPDIR/bin:$PATH
	run --separate-stderr md login -u tester --password-stdin "$AUTH_REGISTRY" <<<"s3cret"
	echo "$status $output $stderr"
	[ "$status" -eq 0 ]
	# The secret is the helper's, not in config.json.
	grep -q '"Secret":"s3cret"' "$BATS_TEST_TMPDIR/creds/$AUTH_REGISTRY"
	run grep -c s3cret "$DOCKER_CONFIG/config.json"
	[ "$output" = 0 ]
	md tag busybox "$AUTH_REGISTRY/team/helped:v1"
	run md push "$AUTH_REGISTRY/team/helped:v1"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx get "$BATS_TEST_TMPDIR/creds/calls"
	md rmi "$AUTH_REGISTRY/team/helped:v1" >/dev/null
	run md pull "$AUTH_REGISTRY/team/helped:v1"
	[ "$status" -eq 0 ]
	run md logout "$AUTH_REGISTRY"
	[ "$output" = "Removing login credentials for $AUTH_REGISTRY" ]
	[ ! -e "$BATS_TEST_TMPDIR/creds/$AUTH_REGISTRY" ]
	md rmi "$AUTH_REGISTRY/team/helped:v1" >/dev/null
	run --separate-stderr md pull "$AUTH_REGISTRY/team/helped:v1"
	[ "$status" -eq 125 ]
}

@test "final: push: login asks for the password on a terminal without echoing it" {
	# A terminal of python's pty: the password is typed only once the
	# prompt is there, so an echo would be seen.
	run python3 - "$MYDOCKER" "$MD_ROOT" "$AUTH_REGISTRY" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "--root", sys.argv[2], "login", "-u", "tester", sys.argv[3]])
out = b""
while b"Password: " not in out:
    out += os.read(fd, 1024)
os.write(fd, b"s3cret\n")
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
print(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Login Succeeded"* ]]
	[[ "$output" != *s3cret* ]]
}
