#!/usr/bin/env bash
# Prepares the local PostgreSQL and MariaDB/MySQL of a development or CI machine for twophase:
#   - starts PostgreSQL and MariaDB when they are down;
#   - enables PostgreSQL prepared transactions (max_prepared_transactions, default 0), restarting
#     the cluster only when the setting changes, since it needs a restart;
#   - creates the databases and the 'twophase' user for the demo's real profile
#     (twophase_a, twophase_b), for the tests (twophase_it_a, twophase_it_b), for the sample
#     application's test (twophase_sample_a, twophase_sample_b), for the benchmarks
#     (twophase_bench_a, twophase_bench_b) and for the crash suite's run on the PostgreSQL
#     coordinator log (twophase_fi_log).
# Idempotent. Expects local superuser access: PostgreSQL trust auth for user postgres on
# 127.0.0.1, MariaDB root with an empty password (override with MYSQL_ROOT_PASSWORD).
# The Artemis broker needs no preparation: the tests start it in its own JVM.
set -euo pipefail

PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_SUPERUSER=${PG_SUPERUSER:-postgres}
MYSQL_HOST=${MYSQL_HOST:-127.0.0.1}
MYSQL_PORT=${MYSQL_PORT:-3306}
MYSQL_ROOT_USER=${MYSQL_ROOT_USER:-root}
MYSQL_ROOT_PASSWORD=${MYSQL_ROOT_PASSWORD:-}
MAX_PREPARED=${MAX_PREPARED:-100}
APP_USER=twophase
APP_PASSWORD=twophase

say() { echo "[prepare] $*"; }

psql_super() { psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres -v ON_ERROR_STOP=1 -tAq "$@"; }
mysql_root() { mariadb -h "$MYSQL_HOST" -P "$MYSQL_PORT" -u "$MYSQL_ROOT_USER" ${MYSQL_ROOT_PASSWORD:+-p"$MYSQL_ROOT_PASSWORD"} -N -B "$@"; }

wait_for() { # description, command...
  local what=$1; shift
  for _ in $(seq 1 60); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "[prepare] $what did not come up within 60 s" >&2
  return 1
}

pg_cluster_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -1; }

# --- PostgreSQL -----------------------------------------------------------------------------
if ! pg_isready -h "$PG_HOST" -p "$PG_PORT" -q; then
  version=$(pg_cluster_version)
  if [ -z "$version" ]; then
    echo "[prepare] PostgreSQL is not running on $PG_HOST:$PG_PORT and no local cluster was found in /etc/postgresql" >&2
    exit 1
  fi
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_for "PostgreSQL" pg_isready -h "$PG_HOST" -p "$PG_PORT" -q
fi

current=$(psql_super -c "SHOW max_prepared_transactions")
if [ "$current" -lt "$MAX_PREPARED" ]; then
  version=$(pg_cluster_version)
  say "PostgreSQL max_prepared_transactions is $current; setting it to $MAX_PREPARED and restarting cluster $version main (the setting needs a restart)"
  psql_super -c "ALTER SYSTEM SET max_prepared_transactions = $MAX_PREPARED"
  pg_ctlcluster --skip-systemctl-redirect "$version" main restart
  wait_for "PostgreSQL" pg_isready -h "$PG_HOST" -p "$PG_PORT" -q
  current=$(psql_super -c "SHOW max_prepared_transactions")
  [ "$current" -ge "$MAX_PREPARED" ] || { echo "[prepare] max_prepared_transactions is still $current after the restart" >&2; exit 1; }
else
  say "PostgreSQL max_prepared_transactions = $current (no restart needed)"
fi

if [ "$(psql_super -c "SELECT count(*) FROM pg_roles WHERE rolname = '$APP_USER'")" = 0 ]; then
  psql_super -c "CREATE ROLE $APP_USER LOGIN PASSWORD '$APP_PASSWORD'"
fi
for db in twophase_a twophase_it_a twophase_sample_a twophase_bench_a twophase_fi_log; do
  if [ "$(psql_super -c "SELECT count(*) FROM pg_database WHERE datname = '$db'")" = 0 ]; then
    psql_super -c "CREATE DATABASE $db OWNER $APP_USER"
  fi
done
say "PostgreSQL ready on $PG_HOST:$PG_PORT (databases twophase_a, twophase_it_a, twophase_sample_a, twophase_bench_a, twophase_fi_log; user $APP_USER)"

# --- MariaDB / MySQL ------------------------------------------------------------------------
if ! mysql_root -e "SELECT 1" >/dev/null 2>&1; then
  if [ -x /usr/sbin/mariadbd ]; then
    say "starting MariaDB"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    wait_for "MariaDB" mysql_root -e "SELECT 1"
  else
    echo "[prepare] MySQL/MariaDB is not reachable on $MYSQL_HOST:$MYSQL_PORT and /usr/sbin/mariadbd is not installed" >&2
    exit 1
  fi
fi
server_version=$(mysql_root -e "SELECT VERSION()")
mysql_root -e "CREATE USER IF NOT EXISTS '$APP_USER'@'%' IDENTIFIED BY '$APP_PASSWORD';
               CREATE USER IF NOT EXISTS '$APP_USER'@'localhost' IDENTIFIED BY '$APP_PASSWORD';"
for db in twophase_b twophase_it_b twophase_sample_b twophase_bench_b; do
  mysql_root -e "CREATE DATABASE IF NOT EXISTS $db;
                 GRANT ALL PRIVILEGES ON $db.* TO '$APP_USER'@'%';
                 GRANT ALL PRIVILEGES ON $db.* TO '$APP_USER'@'localhost';"
done
case "$server_version" in
  *MariaDB*) ;; # MariaDB has no XA_RECOVER_ADMIN: every user may run XA RECOVER.
  *) mysql_root -e "GRANT XA_RECOVER_ADMIN ON *.* TO '$APP_USER'@'%'; GRANT XA_RECOVER_ADMIN ON *.* TO '$APP_USER'@'localhost';" ;;
esac
mysql_root -e "FLUSH PRIVILEGES"
say "MySQL-protocol server $server_version ready on $MYSQL_HOST:$MYSQL_PORT (databases twophase_b, twophase_it_b, twophase_sample_b, twophase_bench_b; user $APP_USER)"

# --- Chromium for the web page's browser tests -----------------------------------------------
# Debian's chromium and chromium-driver (WebPageBrowserIT drives /usr/bin/chromium through
# /usr/bin/chromedriver with Selenium).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's chromium and chromium-driver for the browser tests"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver >/dev/null; }
  else
    echo "[prepare] the browser tests need Debian's chromium and chromium-driver: run as root, or apt-get install -y chromium chromium-driver" >&2
    exit 1
  fi
fi
say "Chromium ready: $(/usr/bin/chromium --version 2>/dev/null | head -1), $(/usr/bin/chromedriver --version 2>/dev/null | head -1)"
