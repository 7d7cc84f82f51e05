#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 cluster: initdb into a temporary folder, a unix socket only
# (no TCP port), no fsync (the cluster is thrown away), stopped and removed at exit however the command ends.
# The command finds the server in TEST_DATABASE_URL; the tests create and drop their own databases on it.
# Debian's postgresql-15 is installed when its binaries are missing (CI reaches package registries only).
set -euo pipefail
pgbin=/usr/lib/postgresql/15/bin
if [ ! -x "$pgbin/initdb" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
fi

# initdb refuses to run as root: as root, the cluster belongs to the postgres user the package created.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

dir="$(mktemp -d)"
[ "$(id -u)" = 0 ] && chown postgres: "$dir"
stop() {
  as_owner "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

as_owner "$pgbin/initdb" -D "$dir/data" -U test --auth=trust --no-sync >/dev/null
as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-k $dir -c listen_addresses='' -c fsync=off \
  -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
echo "=== PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') in $dir ==="

export TEST_DATABASE_URL="postgresql://test@localhost/postgres?host=$dir"
"$@"
