#!/usr/bin/env bash
# Runs the eligibility benchmark on a bare many-core machine with no Node and no PostgreSQL:
# unpacks a pack made on the dev machine (Node binary, PostgreSQL 15 binaries and libraries, the
# esbuild-bundled server and benchmark), starts a throw-away PostgreSQL cluster as a non-root user,
# and runs bench/main.js once per instance count in INSTANCES (default "8").
# Usage: INSTANCES="1 8" scripts/device-bench.sh PACK.tar.xz [bench flags...]
set -euo pipefail
PACK=$1; shift
tar -C / -xJf "$PACK"
export LD_LIBRARY_PATH=/usr/local/lib/pgdeps
PGBIN=/usr/lib/postgresql/15/bin
id pgbench >/dev/null 2>&1 || useradd -r -M -s /bin/sh pgbench
DATA=/tmp/pgbench-data
rm -rf "$DATA" && mkdir -p "$DATA" && chown pgbench "$DATA"
as_pg() { su pgbench -s /bin/sh -c "LD_LIBRARY_PATH=$LD_LIBRARY_PATH $*"; }
as_pg "$PGBIN/initdb -D $DATA -U postgres --auth=trust -E UTF8 --locale=C >/dev/null"
cat >> "$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = 5432
max_connections = 400
shared_buffers = 8GB
effective_cache_size = 32GB
maintenance_work_mem = 2GB
wal_buffers = 64MB
max_wal_size = 16GB
checkpoint_timeout = 30min
jit = off
unix_socket_directories = '/tmp'
# Durable commits stay on: the access log must be on disk before the answer.
synchronous_commit = on
fsync = on
CONF
as_pg "$PGBIN/pg_ctl -D $DATA -l /tmp/pg.log -w start >/dev/null"
$PGBIN/createdb -h 127.0.0.1 -U postgres shikaku_bench_eligibility
nproc
/opt/shikaku/node --version
cd /opt/shikaku/app
for n in ${INSTANCES:-8}; do
  ELIGIBILITY_DOCS=0 /opt/shikaku/node bench/main.js --instances "$n" \
    --database-url postgres://postgres@127.0.0.1:5432/shikaku_bench_eligibility "$@" 2>&1 \
    | grep -v -e FSTDEP023 -e trace-warnings -e '"loaded"'
done
as_pg "$PGBIN/pg_ctl -D $DATA -m fast stop >/dev/null"
