#!/usr/bin/env bash
# The production shape on loopback, for tests and for trying it out: a throw-away PostgreSQL primary
# and a streaming replica of it (Debian's PostgreSQL binaries, pg_basebackup -R, ports and a temp
# dir of their own), three instances each of insurer-api and eligibility-api (their compiled
# dist/server.js), one of jlis and portal. Everything lives under one directory and goes with `down`.
#
#   deploy/local/topology.sh up            # prints the directory; its topology.env has URLs, pids,
#                                          # DATABASE_URL / DATABASE_READ_URL and the secrets
#   deploy/local/topology.sh down DIR      # stops everything started there and removes DIR
#
# Build first (`npx --yes pnpm@10.34.9 build`). Environment: PGBIN (default
# /usr/lib/postgresql/15/bin), TOPOLOGY_BASE_PORT (56000), INSURER_INSTANCES and
# ELIGIBILITY_INSTANCES (3), TOPOLOGY_DIR (default: a new mktemp directory).
# As root, PostgreSQL runs as the `postgres` user (runuser), since it refuses to run as root.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
BASE_PORT=${TOPOLOGY_BASE_PORT:-56000}
INSURER_INSTANCES=${INSURER_INSTANCES:-3}
ELIGIBILITY_INSTANCES=${ELIGIBILITY_INSTANCES:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wait_http() { # url, log file, pid
  for _ in $(seq 1 300); do
    kill -0 "$3" 2>/dev/null || break
    if node -e "fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" "$1"; then
      return 0
    fi
    sleep 0.3
  done
  echo "no answer from $1; its log:" >&2
  tail -n 40 "$2" >&2
  return 1
}

STARTING=()
start_app() { # name, app folder, health url, env assignments... (waited for by wait_started)
  local name=$1 app=$2 health=$3
  shift 3
  # Each instance's connections carry its name (pg_stat_activity.application_name).
  env "$@" DATABASE_URL="$DB_URL?application_name=$name" node "$ROOT/apps/$app/dist/server.js" \
    >"$DIR/logs/$name.log" 2>&1 &
  local pid=$!
  echo "${name//-/_}_PID=$pid" >>"$DIR/topology.env"
  STARTING+=("$health $DIR/logs/$name.log $pid")
}

wait_started() {
  local entry
  for entry in "${STARTING[@]}"; do
    # shellcheck disable=SC2086
    wait_http $entry
  done
  STARTING=()
}

up() {
  for binary in initdb pg_ctl pg_basebackup psql; do
    if [ ! -x "$PGBIN/$binary" ]; then
      echo "missing $PGBIN/$binary (install postgresql-15 or set PGBIN)" >&2
      exit 3
    fi
  done
  for app in jlis insurer-api eligibility-api portal; do
    if [ ! -f "$ROOT/apps/$app/dist/server.js" ]; then
      echo "missing apps/$app/dist/server.js: build first" >&2
      exit 3
    fi
  done
  DIR=${TOPOLOGY_DIR:-$(mktemp -d /tmp/shikaku-topology.XXXXXX)}
  mkdir -p "$DIR/pg" "$DIR/logs"
  chmod 755 "$DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres "$DIR/pg"; fi
  : >"$DIR/topology.env"
  # A failure half-way, SIGINT or SIGTERM takes down what was started, once: the EXIT trap ignores
  # further signals, so a second Ctrl-C cannot cut the teardown short. (A signal lands after the
  # step in progress, e.g. `pg_ctl start -w`, so every process started is in topology.env or a
  # cluster's postmaster.pid.)
  trap 'trap "" INT TERM; echo "topology not up; tearing down $DIR" >&2; down "$DIR"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  local primary=$BASE_PORT replica=$((BASE_PORT + 1))

  as_postgres "$PGBIN/initdb" -D "$DIR/pg/primary" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$DIR/logs/initdb.log"
  # A test cluster: no fsync (the apps, not the disk, are what is killed here); room for every pool.
  cat >>"$DIR/pg/primary/postgresql.conf" <<EOF
port = $primary
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR/pg'
max_connections = 400
fsync = off
wal_level = replica
max_wal_senders = 4
EOF
  as_postgres "$PGBIN/pg_ctl" -D "$DIR/pg/primary" -l "$DIR/pg/primary.log" -w start >/dev/null
  echo "PRIMARY_PORT=$primary" >>"$DIR/topology.env"
  as_postgres "$PGBIN/psql" -h 127.0.0.1 -p "$primary" -U postgres -qc 'create database shikaku'

  # The replica: a base backup that writes its own standby settings (-R), then its own port. A fast
  # checkpoint: the default spread one makes the backup wait minutes for the checkpoint to finish.
  as_postgres "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$primary" -U postgres \
    -D "$DIR/pg/replica" -R -X stream -c fast --no-sync
  cat >>"$DIR/pg/replica/postgresql.conf" <<EOF
port = $replica
hot_standby = on
EOF
  as_postgres "$PGBIN/pg_ctl" -D "$DIR/pg/replica" -l "$DIR/pg/replica.log" -w start >/dev/null
  echo "REPLICA_PORT=$replica" >>"$DIR/topology.env"
  for _ in $(seq 1 100); do
    state=$(as_postgres "$PGBIN/psql" -h 127.0.0.1 -p "$primary" -U postgres -Atc \
      "select count(*) from pg_stat_replication where state = 'streaming'")
    [ "$state" = 1 ] && break
    sleep 0.2
  done
  [ "$state" = 1 ] || { echo "the replica is not streaming" >&2; exit 1; }

  local db="postgres://postgres@127.0.0.1:$primary/shikaku"
  DB_URL=$db
  local reads="postgres://postgres@127.0.0.1:$replica/shikaku"
  local secret
  secret() { node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"; }
  local service_key person_ref_secret control_key token_secret
  service_key=$(secret)
  person_ref_secret=$(secret)
  control_key=$(secret)
  token_secret=$(secret)
  cat >>"$DIR/topology.env" <<EOF
DATABASE_URL=$db
DATABASE_READ_URL=$reads
SHIKAKU_SERVICE_KEY=$service_key
JLIS_CONTROL_KEY=$control_key
PERSON_REF_SECRET=$person_ref_secret
EOF
  local common=(DATABASE_URL="$db" SHIKAKU_SERVICE_KEY="$service_key" LOG_LEVEL="${LOG_LEVEL:-warn}")

  local jlis=$((BASE_PORT + 10))
  start_app jlis jlis "http://127.0.0.1:$jlis/health" "${common[@]}" PORT=$jlis \
    JLIS_CONTROL_KEY="$control_key"
  wait_started
  echo "JLIS_URL=http://127.0.0.1:$jlis" >>"$DIR/topology.env"

  local insurer_urls=() i port
  for i in $(seq 1 "$INSURER_INSTANCES"); do
    port=$((BASE_PORT + 19 + i))
    start_app "insurer-api-$i" insurer-api "http://127.0.0.1:$port/health" "${common[@]}" \
      PORT=$port PERSON_REF_SECRET="$person_ref_secret" JLIS_URL="http://127.0.0.1:$jlis" \
      JLIS_CHECK_INTERVAL_MS="${JLIS_CHECK_INTERVAL_MS:-500}"
    insurer_urls+=("http://127.0.0.1:$port")
  done
  wait_started
  echo "INSURER_API_URLS=${insurer_urls[*]}" >>"$DIR/topology.env"

  local eligibility_urls=()
  for i in $(seq 1 "$ELIGIBILITY_INSTANCES"); do
    port=$((BASE_PORT + 29 + i))
    # Each instance relays from one insurer-api (any will do: they share the database).
    start_app "eligibility-api-$i" eligibility-api "http://127.0.0.1:$port/health" "${common[@]}" \
      ELIGIBILITY_PORT=$port DATABASE_READ_URL="$reads" ELIGIBILITY_TOKEN_SECRET="$token_secret" \
      ELIGIBILITY_SHARED_RATE_LIMIT=1 \
      INSURER_API_URL="${insurer_urls[$(((i - 1) % ${#insurer_urls[@]}))]}" \
      JLIS_URL="http://127.0.0.1:$jlis" ELIGIBILITY_OUTBOX_POLL_MS="${ELIGIBILITY_OUTBOX_POLL_MS:-200}" \
      ELIGIBILITY_BULK_SWEEP_MS="${ELIGIBILITY_BULK_SWEEP_MS:-1000}"
    eligibility_urls+=("http://127.0.0.1:$port")
  done
  wait_started
  echo "ELIGIBILITY_API_URLS=${eligibility_urls[*]}" >>"$DIR/topology.env"

  local portal=$((BASE_PORT + 40))
  start_app portal portal "http://127.0.0.1:$portal/health" "${common[@]}" PORTAL_PORT=$portal \
    ELIGIBILITY_API_URL="${eligibility_urls[0]}" PORTAL_PUBLIC_URL="http://127.0.0.1:$portal"
  wait_started
  echo "PORTAL_URL=http://127.0.0.1:$portal" >>"$DIR/topology.env"
  trap - EXIT INT TERM
  echo "$DIR"
}

down() {
  local dir=${1:?usage: topology.sh down DIR}
  [ -f "$dir/topology.env" ] || { echo "no topology at $dir" >&2; exit 1; }
  local pids
  pids=$(grep '_PID=' "$dir/topology.env" | cut -d= -f2 || true)
  for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $pids; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  for cluster in replica primary; do
    if [ -f "$dir/pg/$cluster/postmaster.pid" ]; then
      as_postgres "$PGBIN/pg_ctl" -D "$dir/pg/$cluster" -m immediate -w stop >/dev/null || true
    fi
  done
  rm -rf "$dir"
}

case "${1:-}" in
  up) up ;;
  down) down "${2:-}" ;;
  *) echo "usage: $0 up | down DIR" >&2; exit 2 ;;
esac
