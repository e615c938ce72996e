#!/usr/bin/env bats
# The host's network changed under mydocker: the bridge deleted (ip link
# del, a reboot), iptables flushed (a firewall reload). The next run on
# that network must make them again, as podman's netavark does on each
# container start, and reach its published port; removing everything
# then leaves the host as it was.

load helpers

setup() { fault_setup; }
teardown() { fault_teardown; }

# serves_port: a container on faultnet with a port published on loopback
# that answers; prints nothing, fails with what went wrong.
serves_port() {
	local id i
	id=$(md run -d --network faultnet -p 18322:8080 busybox sh -c 'while true; do echo pong | nc -l -p 8080; done')
	for ((i = 0; i < 50; i++)); do
		[ "$(timeout 2 busybox nc 127.0.0.1 18322 </dev/null 2>/dev/null | head -n 1)" = pong ] && return 0
		sleep 0.1
	done
	echo "the published port does not answer; iptables:" >&2
	iptables-save | grep -i mydocker >&2
	return 1
}

# flushed_cleanup: the flush took the rules of every other network on the
# machine too (another root's, left by someone else), which no command of
# ours makes again: faultnet's container and network go, no rule of its
# bridge may stay, and then the machine's rules from before the case are
# put back, for assert_clean to compare the rest.
flushed_cleanup() {
	local br
	br=$(sed -n 's/.*"bridge": *"\([^"]*\)".*/\1/p' "$MD_ROOT/networks/faultnet.json")
	[ -n "$br" ] || { echo "no bridge in faultnet.json" >&2; return 1; }
	md rm -f $(md ps -a -q) >/dev/null
	md network rm faultnet >/dev/null
	if iptables-save | grep -qw -- "$br"; then
		echo "rules of $br left after network rm:" >&2
		iptables-save | grep -w -- "$br" >&2
		return 1
	fi
	iptables_restore_before
}

bridge_deleted() {
	md network create faultnet >/dev/null
	md run --rm --network faultnet busybox true
	local br
	br=$(comm -13 <(echo "$LINKS_BEFORE") <(host_links) | grep -v '^veth' | head -n 1)
	[ -n "$br" ] || { echo "no bridge made" >&2; return 1; }
	count faults
	ip link del "$br"
	serves_port
	ip link show "$br" >/dev/null
	assert_clean
}

iptables_flushed() {
	md network create faultnet >/dev/null
	md run --rm --network faultnet busybox true
	count faults
	iptables -t nat -F && iptables -t filter -F && iptables -t raw -F
	serves_port
	flushed_cleanup
	assert_clean
}

chains_deleted() {
	md network create faultnet >/dev/null
	md run --rm --network faultnet busybox true
	count faults
	local t
	for t in nat filter raw; do iptables -t "$t" -F && iptables -t "$t" -X; done
	serves_port
	flushed_cleanup
	assert_clean
}

@test "the bridge deleted, iptables flushed or its chains deleted: the next run re-makes them" {
	fault_case "bridge deleted (ip link del)" bridge_deleted
	iptables_restore_before && assert_clean >/dev/null 2>&1 || true
	fault_case "iptables flushed (every table)" iptables_flushed
	iptables_restore_before && assert_clean >/dev/null 2>&1 || true
	fault_case "iptables chains deleted (-F -X)" chains_deleted
	iptables_restore_before && assert_clean >/dev/null 2>&1 || true
	cases_done
}
