#!/usr/bin/env bash
# Makes .device/pack.tar.xz for a bare x86-64 Linux machine with neither Node nor PostgreSQL (the
# project's lent many-core device). Run on the dev machine after `pnpm turbo run build`.
# The pack unpacks at / into:
#   /opt/shikaku/node               this machine's Node binary
#   /opt/shikaku/<app>/             each app's built dist + production node_modules (pnpm deploy)
#   /opt/shikaku/PACK_INFO          commit, dirty files, versions
#   /usr/lib/postgresql/15/{bin,lib}, /usr/share/postgresql/15   the PostgreSQL 15 server
#   /usr/local/lib/pgdeps/          the shared libraries all of these need, except glibc's own
# Usage: scripts/device/pack.sh [APP...]   (default: insurer-api; an app is a folder of apps/)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
APPS=("${@:-insurer-api}")
PG=/usr/lib/postgresql/15
PG_BINS=(initdb pg_ctl postgres createdb psql)
OUT=$ROOT/.device/pack.tar.xz

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
# mktemp makes 0700; directories in the pack must read as the system's (0755) when unpacked at /.
chmod 755 "$STAGE"
mkdir -p "$STAGE/opt/shikaku" "$STAGE$PG/bin" "$STAGE$PG/lib" "$STAGE/usr/share/postgresql" \
  "$STAGE/usr/local/lib/pgdeps"

NODE=$(readlink -f "$(command -v node)")
cp "$NODE" "$STAGE/opt/shikaku/node"

# Apps are copied as built, with a production node_modules, not bundled: piscina (its own worker
# and ours), @fastify/swagger-ui and PGlite find files relative to their own modules, and a copy
# runs exactly the code the tests ran. pnpm deploy copies the workspace packages (with their dist)
# and resolves from the lockfile; --prefer-offline uses the local store.
for app in "${APPS[@]}"; do
  [ -d "$ROOT/apps/$app/dist" ] || { echo "apps/$app/dist is missing: build first" >&2; exit 1; }
  name=$(node -p "require('$ROOT/apps/$app/package.json').name")
  # The dev machine serialises pnpm runs with this lock (shared checkout).
  (cd "$ROOT" && flock /tmp/shikaku-pnpm.lock pnpm --config.inject-workspace-packages=true \
    --filter "$name" deploy --prod --prefer-offline "$STAGE/opt/shikaku/$app" >/dev/null)
done
# Not needed to run: sources, type declarations, source maps, test and build configs.
find "$STAGE/opt/shikaku" \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \
  \) -type f -delete
for dir in "$STAGE"/opt/shikaku/*/ "$STAGE"/opt/shikaku/*/node_modules/.pnpm/@shikaku+*/node_modules/@shikaku/*/; do
  rm -rf "$dir"src "$dir"tsconfig*.json "$dir"vitest.config.ts "$dir"pnpm-lock.yaml
done

cp "${PG_BINS[@]/#/$PG/bin/}" "$STAGE$PG/bin/"
# Modules initdb and the server load (plpgsql, snowball dictionaries, encoding conversions). Not
# llvmjit: jit is off, and it would bring the 100 MB libLLVM.
find "$PG/lib" -maxdepth 1 -name '*.so' ! -name llvmjit.so -exec cp {} "$STAGE$PG/lib/" \;
cp -r /usr/share/postgresql/15 "$STAGE/usr/share/postgresql/"
rm -rf "$STAGE/usr/share/postgresql/15/man"

# Every library ldd resolves, under its soname, except glibc's (the target's own glibc must be
# used; the binaries need glibc >= this machine's, 2.36 on Debian 12). libstdc++ and libgcc_s go
# in: a bare machine may lack them, and Node needs a recent libstdc++.
GLIBC='^(libc|libm|libdl|libpthread|librt|libresolv|libutil|libanl|ld-linux-x86-64)\.so'
ldd "$NODE" "${PG_BINS[@]/#/$PG/bin/}" "$STAGE$PG"/lib/*.so |
  awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | sort -u |
  while read -r soname path; do
    [[ $soname =~ $GLIBC ]] || cp -L "$path" "$STAGE/usr/local/lib/pgdeps/$soname"
  done

{
  echo "commit $(git -C "$ROOT" rev-parse --short HEAD), packed $(date -u +%FT%TZ)"
  echo "uncommitted changes: $(git -C "$ROOT" status --porcelain --untracked-files=no | wc -l) files"
  echo "node $("$NODE" --version), $("$PG/bin/postgres" --version)"
  echo "apps: ${APPS[*]}"
} >"$STAGE/opt/shikaku/PACK_INFO"

mkdir -p "$(dirname "$OUT")"
# Owned by root whoever packs; only opt and usr at the top, never the archive root itself.
tar -C "$STAGE" --owner=0 --group=0 -cf - opt usr | xz -T0 -6 >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
size=$(stat -c %s "$OUT")
echo "$OUT: $((size / 1048576)) MiB"
cat "$STAGE/opt/shikaku/PACK_INFO"
# The device takes at most 64 MiB of carried files.
[ "$size" -lt $((60 * 1048576)) ] || { echo "pack is over 60 MiB" >&2; exit 1; }
