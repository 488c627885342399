#!/usr/bin/env bash
# Runs the insurer-api bulk benchmark (dist/scripts/bulk-bench.js) on a bare many-core machine
# with neither Node nor PostgreSQL and no network: unpacks a pack made by scripts/device/pack.sh,
# starts a throw-away PostgreSQL 15 cluster as a non-root user, runs the benchmark once with the
# flags given, and stops the cluster.
# Usage: scripts/device/bench-insurer.sh .device/pack.tar.xz --existing 10000000 --rows 1000000
# Environment (defaults for the device; the dev machine's test overrides them):
#   PREFIX=/            where the pack is unpacked (it holds /opt/shikaku, /usr/lib/postgresql/15…)
#   PG_PORT=5432  PG_DATA=/tmp/pgbench-data  SHARED_BUFFERS=8GB  BENCH_DB=shikaku_bench_insurer
#   RUN_AS=pgbench      the non-root user that runs PostgreSQL (created if missing)
#   SAMPLE_WAITS=1      sample the backends' wait events during the run and print their shares
#   FRESH=1             a new cluster even if PG_DATA holds one; by default a cluster left by an
#                       earlier run is reused, with its registered members (loading 10M takes minutes)
set -euo pipefail
PACK=$1
shift
PREFIX=${PREFIX:-/}
PREFIX=${PREFIX%/}
PORT=${PG_PORT:-5432}
DATA=${PG_DATA:-/tmp/pgbench-data}
RUN_AS=${RUN_AS:-pgbench}
DB=${BENCH_DB:-shikaku_bench_insurer}

# Nothing left from an earlier pack; directories that exist (/, /usr…) keep their owner and mode.
rm -rf "$PREFIX/opt/shikaku"
tar --no-overwrite-dir -C "${PREFIX:-/}" -xJf "$PACK"
HOME_DIR=$PREFIX/opt/shikaku
PGBIN=$PREFIX/usr/lib/postgresql/15/bin
# Only the packed programs see the packed libraries; system tools (su, useradd) keep their own.
LIBS=$PREFIX/usr/local/lib/pgdeps
packed() { LD_LIBRARY_PATH=$LIBS "$@"; }
# PostgreSQL refuses to run as root.
id "$RUN_AS" >/dev/null 2>&1 || useradd -r -M -s /bin/sh "$RUN_AS"
as_pg() { su "$RUN_AS" -s /bin/sh -c "LD_LIBRARY_PATH=$LIBS $*"; }

if [ "${FRESH:-0}" = 1 ] || [ ! -f "$DATA/PG_VERSION" ]; then
  rm -rf "$DATA" && mkdir -p "$DATA" && chown "$RUN_AS" "$DATA"
  as_pg "$PGBIN/initdb -D $DATA -U postgres --auth=trust -E UTF8 --locale=C >/dev/null"
  # A small /dev/shm (containers) would fail parallel queries with the default posix segments.
  shm_kib=$(df -k --output=size /dev/shm 2>/dev/null | tail -1 | tr -d ' ' || true)
  dsm=posix
  [ "${shm_kib:-0}" -ge 1048576 ] || dsm=mmap
  cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '/tmp'
max_connections = 200
shared_buffers = ${SHARED_BUFFERS:-8GB}
effective_cache_size = 32GB
maintenance_work_mem = 2GB
wal_buffers = 64MB
max_wal_size = 16GB
checkpoint_timeout = 30min
jit = off
dynamic_shared_memory_type = $dsm
# Durable commits stay on: a registration must be on disk before the answer, as in production.
synchronous_commit = on
fsync = on
CONF
else
  echo "reusing the cluster in $DATA (FRESH=1 for a new one)"
fi
as_pg "$PGBIN/pg_ctl -D $DATA -l $DATA/server.log -w start >/dev/null" ||
  { tail -20 "$DATA/server.log"; exit 1; }
sampler=
trap '[ -z "$sampler" ] || kill "$sampler"; as_pg "$PGBIN/pg_ctl -D $DATA -m fast stop >/dev/null"' EXIT
psql() { packed "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -XtAq "$@"; }
[ "$(psql -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" = 1 ] ||
  packed "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"

echo "nproc $(nproc), $(awk '/^MemTotal/ { print int($2 / 1048576) }' /proc/meminfo) GiB memory, $(uname -r)"
cat "$HOME_DIR/PACK_INFO"
psql -c 'SELECT version()'
# SAMPLE_WAITS=1: what the client backends wait on, sampled every 0.3 s during the run (the
# figures in docs/benchmarks.md), summed at the end.
waits=$(mktemp)
if [ "${SAMPLE_WAITS:-0}" = 1 ]; then
  while sleep 0.3; do
    psql -d "$DB" -F'|' -c "SELECT coalesce(wait_event_type, 'CPU'), coalesce(wait_event, '-')
      FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend'
      AND pid <> pg_backend_pid()" 2>/dev/null || true
  done >"$waits" &
  sampler=$!
fi
cd "$HOME_DIR/insurer-api"
DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/$DB packed "$HOME_DIR/node" \
  dist/scripts/bulk-bench.js "$@" 2>&1
if [ -n "$sampler" ]; then
  echo "wait events of active backends (samples, share):"
  sort "$waits" | uniq -c | sort -rn | awk '{ n[NR] = $0; c[NR] = $1; t += $1 }
    END { for (i = 1; i <= NR && i <= 10; i++) printf "%s  %.0f%%\n", n[i], 100 * c[i] / t }'
fi
rm -f "$waits"
