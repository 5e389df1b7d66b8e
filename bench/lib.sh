# Helpers of bench/run: tools, databases, the Vectis server and result lines. Sourced, not run.

# The newest java of at least major version $1 among JAVA_HOME, the usual install locations
# and PATH; empty when there is none.
newest_java() {
  local min="$1" best="" best_major=0 c major
  for c in "${JAVA_HOME:-/nonexistent}/bin/java" /usr/lib/jvm/*/bin/java /opt/java/*/bin/java \
           /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java "$(command -v java 2>/dev/null || true)"; do
    [ -x "$c" ] || continue
    major=$(java_major "$c")
    major=${major:-0}
    if [ "$major" -ge "$min" ] && [ "$major" -gt "$best_major" ]; then
      best="$c" best_major="$major"
    fi
  done
  echo "$best"
}

java_major() {
  local v
  v=$("$1" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9.]*\).*/\1/p' | head -1)
  v=${v#1.}
  echo "${v%%.*}"
}

# The jar is rebuilt when it is missing or older than any source file, as ./vectis does.
build_jar() {
  if [ ! -f "$jar" ] || [ -n "$(find "$repo/src/main" "$repo/scripts" "$repo/pom.xml" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
    say "Building $jar ..."
    (cd "$repo" && ./mvnw -B -q -DskipTests package) >&2
  fi
}

say() { echo "$*" >&2; }
die() { say "bench/run: $*"; exit 1; }

psqlq() { PGCONNECT_TIMEOUT=10 PGOPTIONS="-c client_min_messages=warning" psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -X -q -v ON_ERROR_STOP=1 -At "$@"; }

fresh_db() {
  psqlq -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
}

# Every cycle run starts just after a checkpoint, so none of them alone pays for one that the
# runs before it left half done (a checkpoint's first writes of each page are full page images).
# CHECKPOINT needs a superuser or pg_checkpoint; without either the runs go on as they are.
settle() {
  psqlq -d postgres -c "CHECKPOINT" 2>/dev/null || true
}

# Transactions committed or rolled back in a database so far. Backends report theirs when they
# exit (or at most once a second while busy), so this is read only after the measured process
# and its connections are gone.
xacts() {
  sleep 1
  psqlq -d postgres -c "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$1'"
}

free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

# Replaces the (sub)shell with a command run with the server's settings: all from the suite,
# none from the caller's VECTIS_* variables or a vectis.yaml (it runs in the run folder).
# Usage: (vectis_env DB [NAME=VALUE ...] command args...)
vectis_env() {
  local db=$1
  shift
  cd "$run_dir"
  # shellcheck disable=SC2046
  exec env $(compgen -e | grep '^VECTIS_' | sed 's/^/-u /') \
    VECTIS_DATABASE_URL="jdbc:postgresql://$pg_host:$pg_port/$db" VECTIS_DATABASE_USER="$pg_user" \
    ${PGPASSWORD:+VECTIS_DATABASE_PASSWORD="$PGPASSWORD"} VECTIS_DATABASE_POOL_SIZE="$pool" \
    VECTIS_ADMIN_TOKEN="$admin_token" VECTIS_WORKER_TOKENS="$worker_token" \
    VECTIS_SERVER_HOST=127.0.0.1 VECTIS_SERVER_PORT="$port" VECTIS_DATA_DIR="$run_dir/data" \
    VECTIS_RATE_LIMIT_ENABLED=false VECTIS_SERVER_SHUTDOWN_TIMEOUT_SECONDS=2 "$@"
}

vectis_migrate() {
  (vectis_env "$1" "$server_java" -jar "$jar" migrate) >>"$run_dir/logs/migrate.log" 2>&1 \
    || die "vectis migrate failed: see $run_dir/logs/migrate.log"
}

# Starts the server on database $1 with extra settings (NAME=VALUE ...); sets server_pid.
start_server() {
  local db=$1 log
  shift
  port=$(free_port 18080)
  log="$run_dir/logs/server-$((++server_runs)).log"
  # shellcheck disable=SC2086
  (vectis_env "$db" "$@" "$server_java" $server_opts -jar "$jar" server) >"$log" 2>&1 &
  server_pid=$!
  local i
  for i in $(seq 1 240); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/health"; then
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || { tail -20 "$log" >&2; die "the server did not start: see $log"; }
    sleep 0.25
  done
  die "the server did not answer /health within 60 s: see $log"
}

stop_server() {
  [ -n "${server_pid:-}" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  local i
  for i in $(seq 1 120); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# Runs a measuring command (bounded by timeout) labelled $1; its RESULT and NOTE lines go to
# the results file, a one-line summary to the terminal, and its output stays in $last_out.
measure() {
  local label=$1
  shift
  last_out=$(mktemp "$run_dir/logs/$label.XXXX")
  timeout 600 "$@" >"$last_out" 2>>"$run_dir/logs/$label.err" \
    || say "  ($label ended with status $?; see $run_dir/logs/$label.err)"
  grep -E '^(RESULT|NOTE)' "$last_out" >>"$results" || true
  summarise "$last_out"
}

# The load client's class $1 with key=value arguments.
client() {
  local class=$1
  shift
  # shellcheck disable=SC2086
  measure "$class" "$client_java" $client_opts -cp "$classes" "$class" "$@"
}

# Notes a difference between two counts of the same jobs ($3 described by $5, $4 by $6).
check_count() {
  if ! awk -v a="$3" -v b="$4" 'BEGIN { exit (a + 0 == b + 0) ? 0 : 1 }'; then
    note cycle "$1" "$2" "$(printf '%.0f %s, but %.0f %s' "$3" "$5" "$4" "$6")"
  fi
}

summarise() {
  awk -F'\t' '$1 == "RESULT" { key = $2 " " $3 " run " $4; v[$5] = $6 }
    END { line = "  " key ":";
      if ("jobs_per_s" in v) line = line sprintf(" %.0f jobs/s, p50 %.1f ms, p99 %.1f ms", v["jobs_per_s"], v["p50_ms"], v["p99_ms"]);
      if ("req_per_s" in v) line = line sprintf(" %.0f/s, p50 %.2f ms, p99 %.2f ms", v["req_per_s"], v["p50_ms"], v["p99_ms"]);
      if ("rss_max_mib" in v) line = line sprintf(" max RSS %.0f MiB, %.0f beats/s, p99 %.1f ms", v["rss_max_mib"], v["beats_per_s"], v["p99_ms"]);
      if ("server_cpu_pct" in v) line = line sprintf(", server CPU %.0f%%", v["server_cpu_pct"]);
      if ("errors" in v && v["errors"] > 0) line = line sprintf(", %d UNEXPECTED ANSWERS", v["errors"]);
      print line }' "$1" >&2
}

metric() { awk -F'\t' -v m="$2" '$1 == "RESULT" && $5 == m { print $6 }' "$1" | tail -1; }

result() { printf 'RESULT\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"; }
note() { printf 'NOTE\t%s\t%s\t%s\t%s\n' "$@" >>"$results"; say "  NOTE: $4"; }
