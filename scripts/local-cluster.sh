#!/usr/bin/env bash
# A StreamLabel cluster of separate processes on one machine, shaped like the Kubernetes deployment (deploy/):
# redis-server (membership + grain state, append-only file on), the embedded Kafka-protocol broker, two CPU silos,
# one silo with accelerator=gpu metadata, and the dashboard when the client has one. Everything binds to loopback.
#
#   scripts/local-cluster.sh up                 build if needed, start everything, print the endpoints
#   scripts/local-cluster.sh down               stop everything this state dir started
#   scripts/local-cluster.sh status             one line per component: running/stopped, pid, ports
#   scripts/local-cluster.sh env                the endpoints as KEY=VALUE lines (for scripts and tests)
#   scripts/local-cluster.sh start NAME         (re)start one component with its recorded ports
#   scripts/local-cluster.sh stop NAME [SIGNAL] stop one component (default TERM; e.g. KILL for a crash)
#   scripts/local-cluster.sh broker-pause|broker-resume  fault injection: the broker process hangs (SIGSTOP/SIGCONT)
#   scripts/local-cluster.sh broker-down|broker-up       fault injection: the mock broker refuses/accepts connections
#                                                        (every client reconnects; see scripts/README.md)
#
# Components: redis (or postgres), broker, silo-cpu-1, silo-cpu-2, silo-gpu-1, dashboard.
# Settings (environment):
#   STREAMLABEL_STATE_DIR   pids, ports, logs, Redis data (default artifacts/local-cluster)
#   STREAMLABEL_CONFIGURATION  build configuration to run (default Release)
#   STREAMLABEL_TOPICS      comma-separated input topics (default events)
#   STREAMLABEL_PARTITIONS  partitions per topic (default 4)
#   STREAMLABEL_DASHBOARD   auto (start it when the client has `dashboard`) | off (default auto)
#   STREAMLABEL_ALLOW_CPU_GPU_SILO  true (default) | false: silo-gpu-1 stands in for a GPU silo, so it reports ready
#                           without CUDA (Health:AllowCpuOnGpuSilo); false shows what a real GPU silo without CUDA does
#   STREAMLABEL_WATCH_PID   when set, `down` runs by itself once that process is gone (tests set their own pid)
#   STREAMLABEL_STORE       redis (default) | postgres: membership + grain state in a PostgreSQL started here (Debian's
#                           postgresql package; Orleans' AdoNet providers; the silos apply deploy/postgres/ themselves)
#   STREAMLABEL_REDIS_PASSWORD  when set, redis-server requires it (requirepass, from a mode-600 config file, never on a
#                           command line) and silos and dashboard get it in their Redis connection strings (environment)
#   MALLOC_ARENA_MAX        glibc malloc arenas per process (default here 2, as in the silo images: see scripts/README.md)
#   any other Section__Key variable (e.g. Models__Patterns__0__Pattern, Student__PersistInterval) reaches every silo.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
state=${STREAMLABEL_STATE_DIR:-$root/artifacts/local-cluster}
config=${STREAMLABEL_CONFIGURATION:-Release}
topics=${STREAMLABEL_TOPICS:-events}
partitions=${STREAMLABEL_PARTITIONS:-4}
silo_dll=$root/src/Silo/bin/$config/net10.0/streamlabel-silo.dll
client_dll=$root/src/Client/bin/$config/net10.0/streamlabel.dll
silos=(silo-cpu-1 silo-cpu-2 silo-gpu-1)
store=${STREAMLABEL_STORE:-redis}
# glibc gives each thread that mallocs under contention its own arena (up to 8 per core) and keeps freed memory in it:
# libtorch and librdkafka allocate from many threads, and resident memory crept up by 5-10 MiB/min in the soak with
# nothing in use growing. Two arenas stop the creep (measured in scripts/README.md); the silo images set the same.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}

die() { echo "local-cluster: $*" >&2; exit 1; }
log() { echo "local-cluster: $*" >&2; }

# A free TCP port below the kernel's ephemeral range: ports the kernel picks (bind to 0) come from that range, which
# every outgoing connection draws from too, so a server started seconds later could find its port taken.
free_port() {
  local low; low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$low" -gt 11000 ] 2>/dev/null || low=32768
  local p; while :; do p=$((10000 + (RANDOM * 32768 + RANDOM) % (low - 10000))); ss -ltnH "sport = :$p" | grep -q . || { echo "$p"; return; }; done
}

has_dashboard() { [ "${STREAMLABEL_DASHBOARD:-auto}" != off ] && [ -f "$root/src/Client/Commands/DashboardCommand.cs" ]; }

build() {
  if [ ! -f "$silo_dll" ]; then
    log "building src/Silo ($config)"
    dotnet build "$root/src/Silo/StreamLabel.Silo.csproj" -c "$config" -nologo -clp:ErrorsOnly >&2
  fi
  if has_dashboard && [ ! -f "$client_dll" ]; then
    log "building src/Client ($config)"
    dotnet build "$root/src/Client/StreamLabel.Client.csproj" -c "$config" -nologo -clp:ErrorsOnly >&2
  fi
}

# state/ports.env holds every port and address, written once by `up` and reused by `start NAME`.
load_ports() { [ -f "$state/ports.env" ] || die "no cluster in $state (run: $0 up)"; . "$state/ports.env"; STORE=${STORE:-redis}; }
pid_of() { [ -f "$state/$1.pid" ] && cat "$state/$1.pid" || true; }
running() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.3
  done
}

# The Redis configuration string silos and the dashboard use (with the password when there is one).
redis_connection() { echo "127.0.0.1:$REDIS_PORT${STREAMLABEL_REDIS_PASSWORD:+,password=$STREAMLABEL_REDIS_PASSWORD}"; }

start_redis() {
  mkdir -p "$state/redis"
  # The password goes in a config file only this user reads (argv is visible to everyone in ps).
  (umask 077; if [ -n "${STREAMLABEL_REDIS_PASSWORD:-}" ]; then printf 'requirepass "%s"\n' "$STREAMLABEL_REDIS_PASSWORD"; fi >"$state/redis.conf")
  # Append-only file on: a restarted redis-server comes back with the membership table and every grain's state.
  setsid redis-server "$state/redis.conf" --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$state/redis" --appendonly yes --appendfsync everysec \
    --save "" --daemonize no --loglevel warning >>"$state/redis.log" 2>&1 </dev/null &
  echo $! >"$state/redis.pid"
  wait_for 20 redis redis_ping || die "redis-server did not answer on 127.0.0.1:$REDIS_PORT (see $state/redis.log)"
}
redis_ping() (
  exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" || exit 1
  local pw=${STREAMLABEL_REDIS_PASSWORD:-}
  if [ -n "$pw" ]; then printf '*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n' "${#pw}" "$pw" >&3; read -r -t 2 reply <&3 && [[ $reply == +OK* ]] || exit 1; fi
  printf 'PING\r\n' >&3 && read -r -t 2 reply <&3 && [[ $reply == +PONG* ]]
)

# PostgreSQL instead of Redis (STREAMLABEL_STORE=postgres): a server of Debian's postgresql package in the state dir,
# trust authentication on loopback (as the local Redis has no password by default). Root runs it as user postgres.
pg_bin() { local d; for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do [ -x "$d/postgres" ] && { echo "$d"; return; }; done
           die "PostgreSQL not found under /usr/lib/postgresql/*/bin (install the Debian package postgresql)"; }
as_pg() { if [ "$(id -u)" -eq 0 ]; then setpriv --reuid postgres --regid postgres --init-groups -- "$@"; else "$@"; fi; }
postgres_connection() { echo "Host=127.0.0.1;Port=$PG_PORT;Database=streamlabel;Username=streamlabel"; }

start_postgres() {
  local bin; bin=$(pg_bin)
  mkdir -p "$state/postgres"
  [ "$(id -u)" -ne 0 ] || chown postgres "$state/postgres"
  if [ ! -f "$state/postgres/data/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$state/postgres/data" -U streamlabel --auth=trust -E UTF8 --no-locale >>"$state/postgres.log" 2>&1 \
      || die "initdb failed (see $state/postgres.log)"
  fi
  local -a as_user=()
  [ "$(id -u)" -ne 0 ] || as_user=(setpriv --reuid postgres --regid postgres --init-groups --)
  setsid "${as_user[@]}" "$bin/postgres" -D "$state/postgres/data" -h 127.0.0.1 -p "$PG_PORT" -k "$state/postgres" \
    >>"$state/postgres.log" 2>&1 </dev/null &
  echo $! >"$state/postgres.pid"
  wait_for 30 postgres "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" || die "postgres did not start on 127.0.0.1:$PG_PORT (see $state/postgres.log)"
  "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U streamlabel -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'streamlabel'" | grep -q 1 \
    || "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U streamlabel -d postgres -qc "CREATE DATABASE streamlabel" >>"$state/postgres.log" 2>&1 \
    || die "could not create database streamlabel (see $state/postgres.log)"
}

# Membership + storage settings for silos and the dashboard (connection strings through the environment only).
store_env() {
  if [ "$STORE" = postgres ]; then
    local pg; pg=$(postgres_connection)
    echo "Cluster__Membership__Provider=AdoNet"; echo "Cluster__Membership__ConnectionString=$pg"
    echo "Cluster__Storage__Provider=AdoNet"; echo "Cluster__Storage__ConnectionString=$pg"
  else
    local redis; redis=$(redis_connection)
    echo "Cluster__Membership__Provider=Redis"; echo "Cluster__Membership__ConnectionString=$redis"
    echo "Cluster__Storage__Provider=Redis"; echo "Cluster__Storage__ConnectionString=$redis"
  fi
}
store_name() { [ "$STORE" = postgres ] && echo postgres || echo redis; }

start_broker() {
  local all="$topics,${Kafka__DeadLetterTopic:-streamlabel-dead-letters},${Student__PredictionsTopic:-streamlabel-predictions}"
  : >"$state/broker.out"
  setsid dotnet "$silo_dll" broker --partitions "$partitions" --topics "$all" >"$state/broker.out" 2>>"$state/broker.log" </dev/null &
  echo $! >"$state/broker.pid"
  wait_for 30 broker test -s "$state/broker.out" || die "the broker printed no address (see $state/broker.log)"
  head -1 "$state/broker.out"
}

start_silo() {
  local name=$1 n accelerator=cpu
  case $name in silo-cpu-1) n=1 ;; silo-cpu-2) n=2 ;; silo-gpu-1) n=3; accelerator=gpu ;; *) die "unknown silo $name" ;; esac
  local silo_port=SILO_PORT_$n gateway_port=GATEWAY_PORT_$n health_port=HEALTH_PORT_$n
  local -a store_vars=() topic_env=() list=()
  mapfile -t store_vars < <(store_env)
  local i=0 t
  IFS=, read -ra list <<<"$topics"
  for t in "${list[@]}"; do topic_env+=("Kafka__Topics__$i=$t"); i=$((i + 1)); done
  env Cluster__ClusterId="$CLUSTER_ID" Cluster__ServiceId="$CLUSTER_ID" Cluster__SiloName="$name" Cluster__AdvertisedIP=127.0.0.1 \
    Cluster__SiloPort="${!silo_port}" Cluster__GatewayPort="${!gateway_port}" \
    "${store_vars[@]}" \
    Orleans__Metadata__accelerator=$accelerator Health__Urls="http://127.0.0.1:${!health_port}" \
    Health__AllowCpuOnGpuSilo="${STREAMLABEL_ALLOW_CPU_GPU_SILO:-true}" \
    Replay__Enabled=false Kafka__BootstrapServers="$BOOTSTRAP" "${topic_env[@]}" \
    setsid dotnet "$silo_dll" >>"$state/$name.log" 2>&1 </dev/null &
  echo $! >"$state/$name.pid"
}

wait_silo() {
  local name=$1 n; case $name in silo-cpu-1) n=1 ;; silo-cpu-2) n=2 ;; silo-gpu-1) n=3 ;; esac
  local health_port=HEALTH_PORT_$n
  wait_for 120 "$name" curl -sf "http://127.0.0.1:${!health_port}/ready" \
    || die "$name not ready within 120 s (see $state/$name.log)"
}

start_dashboard() {
  has_dashboard || return 0
  # The connection string (it may hold the Redis password) goes through the environment, not the command line.
  local -a store_vars=()
  mapfile -t store_vars < <(store_env | grep '^Cluster__Membership__')
  env "${store_vars[@]}" \
    setsid dotnet "$client_dll" dashboard --cluster-id "$CLUSTER_ID" \
    --service-id "$CLUSTER_ID" --urls "http://127.0.0.1:$DASHBOARD_PORT" >>"$state/dashboard.log" 2>&1 </dev/null &
  echo $! >"$state/dashboard.pid"
  wait_for 60 dashboard curl -s -o /dev/null "http://127.0.0.1:$DASHBOARD_PORT/" || log "dashboard not answering yet (see $state/dashboard.log)"
}

stop_component() { # stop_component NAME [SIGNAL]
  local name=$1 signal=${2:-TERM} pid
  pid=$(pid_of "$name")
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -CONT "$pid" 2>/dev/null || true # a paused broker would not act on the signal
    kill -s "$signal" "$pid" 2>/dev/null || true
    # Graceful stops get time to persist state and commit offsets (the silo's shutdown budget), then SIGKILL.
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$state/$name.pid"
}

start_component() {
  load_ports
  case $1 in
    redis) [ "$STORE" = redis ] || die "this cluster keeps its state in $STORE"; start_redis ;;
    postgres) [ "$STORE" = postgres ] || die "this cluster keeps its state in $STORE"; start_postgres ;;
    broker) die "the broker keeps topics in memory: restarting it alone loses them; use broker-down/broker-up, or down + up" ;;
    silo-*) start_silo "$1"; wait_silo "$1" ;;
    dashboard) start_dashboard ;;
    *) die "unknown component '$1' ($(store_name), broker, ${silos[*]}, dashboard)" ;;
  esac
}

up() {
  if [ -f "$state/ports.env" ] && running broker; then die "a cluster is already running from $state (run: $0 down)"; fi
  build
  mkdir -p "$state"
  rm -f "$state"/*.pid "$state"/*.log
  rm -rf "$state/redis" "$state/postgres"
  case $store in redis|postgres) ;; *) die "STREAMLABEL_STORE must be redis or postgres, not '$store'" ;; esac
  {
    echo "CLUSTER_ID=${Cluster__ClusterId:-streamlabel}"
    echo "STORE=$store"
    echo "REDIS_PORT=$(free_port)"
    echo "PG_PORT=$(free_port)"
    for n in 1 2 3; do echo "SILO_PORT_$n=$(free_port)"; echo "GATEWAY_PORT_$n=$(free_port)"; echo "HEALTH_PORT_$n=$(free_port)"; done
    echo "DASHBOARD_PORT=$(free_port)"
  } >"$state/ports.env"
  . "$state/ports.env"
  if [ "$STORE" = postgres ]; then start_postgres; else start_redis; fi
  BOOTSTRAP=$(start_broker)
  echo "BOOTSTRAP=$BOOTSTRAP" >>"$state/ports.env"
  if [ -n "${STREAMLABEL_WATCH_PID:-}" ]; then
    # Whoever started the cluster (a test run) may die without calling `down`: clean up after it.
    setsid bash -c "while kill -0 $STREAMLABEL_WATCH_PID 2>/dev/null; do sleep 1; done; STREAMLABEL_STATE_DIR='$state' '$0' down" \
      >/dev/null 2>&1 </dev/null &
    echo $! >"$state/watchdog.pid"
  fi
  # The first silo creates the membership entries; the others join it.
  start_silo silo-cpu-1; wait_silo silo-cpu-1
  start_silo silo-cpu-2; start_silo silo-gpu-1
  wait_silo silo-cpu-2; wait_silo silo-gpu-1
  start_dashboard
  status
}

down() {
  [ -d "$state" ] || return 0
  # Dashboard and silos first (graceful: they persist and commit), then the broker and Redis they depend on.
  local name pids=()
  stop_component dashboard
  for name in "${silos[@]}"; do
    local pid; pid=$(pid_of "$name")
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && pids+=("$name")
  done
  for name in "${pids[@]}"; do stop_component "$name"; done
  stop_component broker
  stop_component redis
  stop_component postgres INT # fast shutdown (TERM would wait for every client to disconnect)
  local watchdog; watchdog=$(pid_of watchdog)
  rm -f "$state/watchdog.pid"
  [ -n "$watchdog" ] && [ "$watchdog" != "$$" ] && [ "$watchdog" != "$PPID" ] && kill "$watchdog" 2>/dev/null || true
}

status() {
  load_ports
  local name
  for name in "$(store_name)" broker "${silos[@]}" dashboard; do
    local pid; pid=$(pid_of "$name")
    local where=""
    case $name in
      redis) where="127.0.0.1:$REDIS_PORT" ;;
      postgres) where="127.0.0.1:$PG_PORT database streamlabel" ;;
      broker) where="$BOOTSTRAP" ;;
      silo-cpu-1) where="silo 127.0.0.1:$SILO_PORT_1 gateway :$GATEWAY_PORT_1 health http://127.0.0.1:$HEALTH_PORT_1" ;;
      silo-cpu-2) where="silo 127.0.0.1:$SILO_PORT_2 gateway :$GATEWAY_PORT_2 health http://127.0.0.1:$HEALTH_PORT_2" ;;
      silo-gpu-1) where="silo 127.0.0.1:$SILO_PORT_3 gateway :$GATEWAY_PORT_3 health http://127.0.0.1:$HEALTH_PORT_3 (accelerator=gpu)" ;;
      dashboard) has_dashboard || continue; where="http://127.0.0.1:$DASHBOARD_PORT/" ;;
    esac
    if running "$name"; then printf '%-11s running  pid %-7s %s\n' "$name" "$pid" "$where"
    else printf '%-11s stopped  %-11s %s\n' "$name" "" "$where"; fi
  done
  if [ "$STORE" = postgres ]; then
    echo "state: $state   client: --membership adonet --connection '$(postgres_connection)'   kafka: $BOOTSTRAP"
  else
    echo "state: $state   client: --membership redis --connection 127.0.0.1:$REDIS_PORT   kafka: $BOOTSTRAP"
  fi
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  env) load_ports; cat "$state/ports.env"; for name in "$(store_name)" broker "${silos[@]}" dashboard; do
         running "$name" && echo "PID_${name//-/_}=$(pid_of "$name")" || true; done ;;
  start) [ -n "${2:-}" ] || die "start needs a component name"; running "$2" && die "$2 is already running"; start_component "$2" ;;
  stop) [ -n "${2:-}" ] || die "stop needs a component name"; stop_component "$2" "${3:-TERM}" ;;
  # The broker process maps SIGUSR1/SIGUSR2 to the mock cluster's broker down/up (see src/Silo/Hosting/BrokerCommand.cs).
  broker-down) running broker || die "the broker is not running"; kill -USR1 "$(pid_of broker)" ;;
  broker-up) running broker || die "the broker is not running"; kill -USR2 "$(pid_of broker)" ;;
  broker-pause) running broker || die "the broker is not running"; kill -STOP "$(pid_of broker)" ;;
  broker-resume) running broker || die "the broker is not running"; kill -CONT "$(pid_of broker)" ;;
  *) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
