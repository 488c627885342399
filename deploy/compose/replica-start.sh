#!/bin/bash
# The replica: on first start, a base backup of the primary that writes its own standby settings
# (pg_basebackup -R), then PostgreSQL as a hot standby streaming from it.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h postgres-primary -U "$POSTGRES_USER"; do sleep 1; done
  PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup -h postgres-primary -U replicator \
    -D "$PGDATA" -R -X stream
  chmod 0700 "$PGDATA"
fi
exec postgres -c hot_standby=on
