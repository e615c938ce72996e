#!/usr/bin/env bats
# final/: docker compose (issue 26, part 2) drives mydocker through its
# Engine API: the real compose plugin (COMPOSE_PLUGIN, built by
# scripts/test.sh from the Go module proxy) under the real docker CLI,
# on a stack of busybox images: a db with a named volume and a
# healthcheck, a web server built from a Dockerfile that waits for the
# db to be healthy, and a worker that fetches from the web by its
# service name. up -d --wait, ps, port, logs (-f, ended by stop), exec,
# run --rm, stop and down -v, as a user sees them.

load api_helpers

setup() {
	[ -n "${COMPOSE_PLUGIN:-}" ] || skip "COMPOSE_PLUGIN is not set: scripts/test.sh builds docker compose (scripts/build-compose.sh) and sets it"
	[ -x "$COMPOSE_PLUGIN" ] || skip "no docker compose at $COMPOSE_PLUGIN: scripts/build-compose.sh could not build it (see .build/logs/compose-build.log)"
	api_setup
	# The docker CLI finds compose as a plugin of its config directory.
	mkdir -p "$DOCKER_CONFIG/cli-plugins"
	ln -s "$COMPOSE_PLUGIN" "$DOCKER_CONFIG/cli-plugins/docker-compose"
	# compose builds with the classic builder's /build, not buildx's
	# bake, which mydocker does not serve.
	export COMPOSE_BAKE=false DOCKER_BUILDKIT=0 COMPOSE_PROJECT_NAME=mdc
	STACK=$BATS_TEST_TMPDIR/stack
	make_stack "$STACK"
	cd "$STACK"
}

# make_stack DIR writes the stack: compose.yaml and web's Dockerfile.
# init: true makes each container's command stop on docker's SIGTERM
# (sh and httpd as PID 1 ignore it), so stop takes no 10 s.
make_stack() {
	mkdir -p "$1/web"
	cat >"$1/web/Dockerfile" <<-'DOCKERFILE'
		FROM busybox
		RUN mkdir -p /www && echo hello from web >/www/index.html
		CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
	DOCKERFILE
	cat >"$1/compose.yaml" <<-'YAML'
		services:
		  db:
		    image: busybox
		    init: true
		    command: ["sh", "-c", "echo db started; echo ready >/data/state; exec sleep 1000"]
		    volumes: ["dbdata:/data"]
		    healthcheck:
		      test: ["CMD", "test", "-f", "/data/state"]
		      interval: 100ms
		      retries: 30
		  web:
		    build: ./web
		    init: true
		    ports: ["127.0.0.1::8080"]
		    restart: unless-stopped
		    depends_on:
		      db: {condition: service_healthy}
		  worker:
		    image: busybox
		    init: true
		    command: ["sh", "-c", "until wget -q -O - http://web:8080/; do sleep 0.1; done; exec sleep 1000"]
		    depends_on: [web]
		volumes:
		  dbdata:
	YAML
}

compose() { "$DOCKER_CLI" compose "$@"; }

@test "final: api: docker compose up -d --wait, ps, port, logs, exec, run --rm, stop and down -v on a stack of three services" {
	run compose up -d --wait
	echo "$output"
	[ "$status" -eq 0 ]
	run compose ps --format '{{.Service}}:{{.State}}:{{.Health}}'
	echo "$output"
	[ "$(sort <<<"$output")" = "$(printf '%s\n' db:running:healthy web:running: worker:running:)" ]
	# web was built from its Dockerfile, keeps its restart policy, and
	# is published on loopback.
	run docker inspect -f '{{.Config.Image}} {{.HostConfig.RestartPolicy.Name}}' mdc-web-1
	[ "$output" = "mdc-web unless-stopped" ]
	# The worker reached web by its service name, on the stack's network
	# (and so web answers now).
	for ((i = 0; i < 50; i++)); do compose logs worker | grep -q "hello from web" && break; sleep 0.1; done
	run compose logs worker
	[[ "$output" == *"worker-1  | hello from web"* ]]
	run compose port web 8080
	[[ "$output" =~ ^127\.0\.0\.1:[0-9]+$ ]]
	[ "$(curl -sS --noproxy "*" "http://$output/")" = "hello from web" ]
	run compose exec -T db cat /data/state
	echo "$output"
	[ "$output" = ready ]
	run --separate-stderr compose run --rm -T worker wget -q -O - http://web:8080/
	echo "$output"
	[ "$output" = "hello from web" ]
	run docker network ls --filter label=com.docker.compose.project=mdc --format '{{.Name}}'
	[ "$output" = mdc_default ]
	run docker volume ls --filter label=com.docker.compose.project=mdc --format '{{.Name}}'
	[ "$output" = mdc_dbdata ]
	# logs -f follows until stop ends the containers. compose lists the
	# running containers, then asks for their events: one that stops
	# before its events request is under way is one whose end compose
	# never hears of (docker's daemon leaves it the same race), so stop
	# waits for that request (logged as it begins) and the log so far.
	events_begun() { grep -c 'msg="api request begins".*uri="[^"]*/events' "$BATS_TEST_TMPDIR/server.log" || true; }
	events_before=$(events_begun)
	compose logs -f --no-log-prefix db >"$BATS_TEST_TMPDIR/follow.out" 2>&1 3>&- &
	follower=$!
	for ((i = 0; i < 100; i++)); do
		[ "$(events_begun)" -gt "$events_before" ] && grep -qx "db started" "$BATS_TEST_TMPDIR/follow.out" && break
		sleep 0.1
	done
	[ "$(events_begun)" -gt "$events_before" ]
	grep -qx "db started" "$BATS_TEST_TMPDIR/follow.out"
	run compose stop
	[ "$status" -eq 0 ]
	for ((i = 0; i < 150; i++)); do kill -0 "$follower" 2>/dev/null || break; sleep 0.1; done
	run kill -0 "$follower"
	[ "$status" -ne 0 ]
	wait_pids "$follower"
	grep -qx "db started" "$BATS_TEST_TMPDIR/follow.out"
	run compose ps -a --format '{{.Service}} {{.State}}'
	[ "$(sort <<<"$output")" = "$(printf '%s\n' 'db exited' 'web exited' 'worker exited')" ]
	# down -v leaves nothing of the stack but web's image.
	run compose down -v
	echo "$output"
	[ "$status" -eq 0 ]
	run docker ps -aq
	[ "$output" = "" ]
	run docker volume ls -q
	[ "$output" = "" ]
	run docker network ls --filter label=com.docker.compose.project=mdc -q
	[ "$output" = "" ]
	run md network ls --format '{{.Name}}'
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "bridge host none " ]
}
