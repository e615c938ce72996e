#!/usr/bin/env bats
# final/: health checks as docker's. The monitor runs the image's
# HEALTHCHECK, or --health-cmd, in the container as exec does: starting,
# then healthy or unhealthy, in ps, inspect and ps --filter health=.

load helpers

# wait_health NAME STATUS: wait (at most 15 s) until inspect says it.
wait_health() {
	local i
	for ((i = 0; i < 150; i++)); do
		[ "$(md inspect -f '{{.State.Health.Status}}' "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	echo "$1: health $(md inspect -f '{{json .State.Health}}' "$1"), not $2" >&2
	return 1
}

@test "final: health: --health-cmd: starting, healthy, then unhealthy after the retries, in ps and inspect" {
	md run -d --name web --network none --health-cmd 'test -e /tmp/ok' --health-interval 200ms --health-retries 2 busybox sleep 1000 >/dev/null
	[[ "$(md ps --format '{{.Status}}')" == "Up "*" (health: starting)" ]]
	[ "$(md inspect -f '{{json .Config.Healthcheck.Test}}' web)" = '["CMD-SHELL","test -e /tmp/ok"]' ]
	md exec web touch /tmp/ok
	wait_health web healthy
	[[ "$(md ps --format '{{.Status}}')" == "Up "*" (healthy)" ]]
	[ "$(md ps -f health=healthy --format '{{.Names}}')" = web ]
	md exec web rm /tmp/ok
	wait_health web unhealthy
	[[ "$(md ps --format '{{.Status}}')" == "Up "*" (unhealthy)" ]]
	[ "$(md inspect -f '{{.State.Health.FailingStreak}}' web)" -ge 2 ]
	[ "$(md inspect -f '{{with index .State.Health.Log 0}}{{.ExitCode}}{{end}}' web)" = 0 ]
	[[ "$(md inspect -f '{{range .State.Health.Log}}{{.ExitCode}}{{end}}' web)" == *11 ]]
	[ -z "$(md ps -f health=healthy -q)" ]
	# Stopped, it is checked no more, and says so no more.
	md stop -t 0 web >/dev/null
	[[ "$(md ps -a --format '{{.Status}}')" == "Exited (137) "* ]]
	md rm web >/dev/null
}

@test "final: health: the image's HEALTHCHECK, --no-healthcheck, a start period, and a check that takes too long" {
	md run --name base --network none busybox true
	md commit -c 'HEALTHCHECK --interval=200ms --retries=1 CMD ["test", "-e", "/tmp/ok"]' base checked >/dev/null
	md rm base >/dev/null
	[ "$(md inspect -f '{{json .Config.Healthcheck.Test}}' checked)" = '["CMD","test","-e","/tmp/ok"]' ]
	md run -d --name a --network none checked sleep 1000 >/dev/null
	wait_health a unhealthy
	# Failures in the start period do not count: starting it stays.
	md run -d --name b --network none --health-start-period 1h --health-start-interval 100ms checked sleep 1000 >/dev/null
	for ((i = 0; i < 50; i++)); do [ "$(md inspect -f '{{len .State.Health.Log}}' b)" -ge 3 ] && break; sleep 0.1; done
	[ "$(md inspect -f '{{len .State.Health.Log}}' b)" -ge 3 ]
	[ "$(md inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}}' b)" = "starting 0" ]
	md run -d --name c --network none --no-healthcheck checked sleep 1000 >/dev/null
	[ "$(md inspect -f '{{.State.Health}}' c)" = "<no value>" ]
	[[ "$(md ps -f name=^c$ --format '{{.Status}}')" != *"("* ]]
	[ "$(md ps -f health=none --format '{{.Names}}')" = c ]
	# A check past its timeout fails with docker's words, and is ended.
	md run -d --name slow --network none --health-cmd 'sleep 30' --health-timeout 300ms --health-interval 200ms busybox sleep 1000 >/dev/null
	for ((i = 0; i < 100; i++)); do [ -n "$(md inspect -f '{{range .State.Health.Log}}{{.Output}}{{end}}' slow)" ] && break; sleep 0.1; done
	[ "$(md inspect -f '{{with index .State.Health.Log 0}}{{.ExitCode}} {{.Output}}{{end}}' slow)" = "-1 Health check exceeded timeout (300ms)" ]
	md rm -f a b c slow >/dev/null
}

@test "final: health: bad --health-* values are refused before anything is made" {
	for bad in "--health-interval soon" "--health-retries -1" "--no-healthcheck --health-cmd true" "--health-timeout -5s"; do
		run --separate-stderr md run --rm --network none $bad busybox true
		echo "$bad: $status $stderr"
		[ "$status" -eq 125 ]
		[ "$(wc -l <<<"$stderr")" -eq 1 ]
	done
	[ -z "$(md ps -aq)" ]
}
