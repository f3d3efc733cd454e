#!/usr/bin/env bash
# ensure-system-deps.sh - make sure the real PgBouncer and PostgreSQL server binaries the tests run are here,
# and Debian's docker-compose (1.29, `docker-compose config` is the oracle of the compose reader's tests),
# and Debian's prometheus (promtool checks and unit-tests the generated alert rules; the server runs them
# end to end).
#
# Needs: /usr/sbin/pgbouncer, and postgres + initdb + pg_ctl in one /usr/lib/postgresql/<version>/bin
# (Debian 12: PostgreSQL 15), plus the "postgres" system user that pgbouncer drops root privileges to.
#
# When something is missing:
#   - root on Debian (apt-get present): apt-get update, then
#     DEBIAN_FRONTEND=noninteractive apt-get install -y pgbouncer postgresql, then docker-compose and
#     prometheus with --no-install-recommends, quietly, logged to a file whose tail is shown on failure.
#     Services are kept from starting during the install (policy-rc.d), and any the install started anyway are stopped: tests start their own
#     PgBouncer, PostgreSQL and Prometheus on random ports.
#   - otherwise: prints the command to run and exits 1.
# Afterwards everything is checked again; still missing -> exit 1. Takes a few milliseconds when all is present.
set -euo pipefail

PACKAGES=(pgbouncer postgresql docker-compose prometheus)
PGBOUNCER_BIN=/usr/sbin/pgbouncer
MANUAL_COMMAND="sudo apt-get install -y ${PACKAGES[*]}"

pg_bindir() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    done
    return 1
}

# prints what is missing, one item per line (nothing when all is present)
missing() {
    [ -x "$PGBOUNCER_BIN" ] || echo "pgbouncer ($PGBOUNCER_BIN)"
    pg_bindir >/dev/null || echo "PostgreSQL server (/usr/lib/postgresql/*/bin/{postgres,initdb,pg_ctl})"
    getent passwd postgres >/dev/null || echo "system user postgres"
    command -v docker-compose >/dev/null 2>&1 || echo "docker-compose (test/deployment/compose-oracle.test.ts)"
    command -v promtool >/dev/null 2>&1 || echo "promtool (prometheus package; test/monitoring/promtool.test.ts)"
    command -v prometheus >/dev/null 2>&1 || echo "prometheus (prometheus package; the monitoring end-to-end test)"
}

report_ok() {
    local bindir
    bindir=$(pg_bindir)
    echo "system deps ok: $("$PGBOUNCER_BIN" --version 2>/dev/null | head -n 1), PostgreSQL $(basename "$(dirname "$bindir")") ($bindir), $(command -v docker-compose), $(command -v promtool)"
}

todo=$(missing)
if [ -z "$todo" ]; then
    report_ok
    exit 0
fi

echo "missing for the tests:"
sed 's/^/  - /' <<<"$todo"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1 || [ ! -f /etc/debian_version ]; then
    echo "Install them, then run the tests again:" >&2
    echo "  $MANUAL_COMMAND" >&2
    exit 1
fi

# What was already installed before we started: a service of a package we install is ours to stop.
had_pgbouncer=0; [ -x "$PGBOUNCER_BIN" ] && had_pgbouncer=1
had_postgres=0; pg_bindir >/dev/null && had_postgres=1
had_prometheus=0; command -v prometheus >/dev/null 2>&1 && had_prometheus=1

log=$(mktemp /tmp/ensure-system-deps.XXXXXX.log)
# Debian's policy-rc.d hook: exit 101 = "do not start services". Only when none exists (never replace one).
policy=/usr/sbin/policy-rc.d
own_policy=0
cleanup() {
    if [ "$own_policy" = 1 ]; then rm -f "$policy"; fi
}
trap cleanup EXIT
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=1
fi

echo "installing ${PACKAGES[*]} with apt-get (log: $log) ..."
start=$(date +%s)
# docker-compose and prometheus without their recommends: `docker-compose config` needs neither docker.io nor a daemon.
if ! {
    apt-get update &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y pgbouncer postgresql &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker-compose &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus
} >"$log" 2>&1; then
    echo "apt-get failed; last lines of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
fi
echo "installed in $(($(date +%s) - start)) s"
cleanup
own_policy=0

# Belt and braces: stop system services the install may have started anyway (failures ignored).
echo "making sure the install left no pgbouncer/postgresql/prometheus system service running"
if [ "$had_pgbouncer" = 0 ] && command -v service >/dev/null 2>&1; then
    service pgbouncer stop >>"$log" 2>&1 || true
fi
if [ "$had_prometheus" = 0 ] && command -v service >/dev/null 2>&1; then
    service prometheus stop >>"$log" 2>&1 || true
fi
if [ "$had_postgres" = 0 ] && command -v pg_lsclusters >/dev/null 2>&1; then
    # pg_lsclusters -h: "version cluster port status owner datadir logfile"
    pg_lsclusters -h 2>/dev/null | while read -r version cluster _port status _rest; do
        case "$status" in
            online*) pg_ctlcluster "$version" "$cluster" stop >>"$log" 2>&1 || true ;;
        esac
    done
fi

todo=$(missing)
if [ -n "$todo" ]; then
    echo "still missing after apt-get install (log: $log):" >&2
    sed 's/^/  - /' <<<"$todo" >&2
    exit 1
fi
report_ok
