#!/usr/bin/env bats
# final/: events, as docker's: each change in the life of a container, an
# image, a network and a volume is one line of the events log under
# --root, which events reads (--since, --until) and follows.

load helpers

@test "final: events: a run's create, start and die, then stop's kill, die and stop, in order, with docker's words" {
	since=$(date +%s.%N)
	md run --name ev --network none busybox sh -c 'exit 3' || true
	md run -d --name st --network none busybox sleep 1000 >/dev/null
	# sleep as PID 1 has no handler for SIGTERM: killed after -t.
	md stop -t 1 st >/dev/null
	run md events --since "$since" --until "$(date +%s.%N)" --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{index .Actor.Attributes "exitCode"}}{{index .Actor.Attributes "signal"}}'
	echo "$output"
	[ "$output" = "$(printf '%s\n' 'container create ev ' 'container start ev ' 'container die ev 3' \
		'container create st ' 'container start st ' 'container kill st 15' 'container die st 137' 'container stop st ')" ]
	# The default line is docker's: time, type, action, ID, attributes.
	run md events --since "$since" --until "$(date +%s.%N)" --filter container=ev --filter event=die
	echo "$output"
	[[ "$output" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+.*\ container\ die\ [0-9a-f]{64}\ \(exitCode=3,\ image=busybox,\ name=ev\)$ ]]
	run md events --since "$since" --until "$(date +%s.%N)" --filter event=die --format json
	[ "$(python3 -c 'import json, sys; e = json.loads(sys.argv[1].splitlines()[0]); print(e["Type"], e["Action"], e["status"], e["from"], e["scope"], sorted(e["Actor"]))' "$output")" = "container die die busybox local ['Attributes', 'ID']" ]
	md rm st ev >/dev/null
}

@test "final: events: images, networks and volumes, and --filter type=" {
	since=$(date +%s.%N)
	md tag busybox tagged:v1
	md rmi tagged:v1 >/dev/null
	md volume create evvol >/dev/null
	md volume rm evvol >/dev/null
	md network create --subnet 10.251.21.0/24 evnet >/dev/null
	md network rm evnet >/dev/null
	run md events --since "$since" --until "$(date +%s.%N)" --format '{{.Type}} {{.Action}} {{.Actor.ID}} {{index .Actor.Attributes "name"}}'
	echo "$output"
	[[ "$output" == *"image tag sha256:"*" tagged:v1"* ]]
	[[ "$output" == *"image untag tagged:v1 tagged:v1"* ]]
	[[ "$output" == *"volume create evvol "* ]]
	[[ "$output" == *"volume destroy evvol "* ]]
	[[ "$output" == *"network create evnet evnet"* ]]
	[[ "$output" == *"network destroy evnet evnet"* ]]
	[ "$(md events --since "$since" --until "$(date +%s.%N)" --filter type=volume --format '{{.Action}}' | tr '\n' ' ')" = "create destroy " ]
}

@test "final: events: without --until it follows, and shows what happens as it happens" {
	out=$BATS_TEST_TMPDIR/events
	# --since before the follower starts: what happens while it starts is
	# not lost, however slowly it does.
	since=$(date +%s.%N)
	"$MYDOCKER" "${MD_GLOBAL[@]}" events --since "$since" --filter container=later --format '{{.Action}}' >"$out" 2>&1 3>&- &
	follower=$!
	md run --rm --name later --network none busybox true
	for ((i = 0; i < 50; i++)); do grep -qx destroy "$out" && break; sleep 0.1; done
	kill "$follower"
	wait "$follower" || true
	[ "$(tr '\n' ' ' <"$out")" = "create start die destroy " ]
	run --separate-stderr md events --since yesterday-ish
	[ "$status" -eq 125 ]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
}
