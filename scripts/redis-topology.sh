#!/usr/bin/env bash
# Starts or stops a local Redis topology from this machine's own redis-server, for trying and testing
# REDIS_MODE=sentinel and REDIS_MODE=cluster:
#
#   scripts/redis-topology.sh start sentinel   # a primary, a replica and three Sentinels
#   scripts/redis-topology.sh start cluster    # three primaries with a replica each
#   scripts/redis-topology.sh stop sentinel|cluster
#
# Nothing is persisted (--save "" --appendonly no). Ports and the master name come from the
# environment (defaults below); the state (configs, pids, logs) lives in REDIS_TOPOLOGY_DIR, by default
# .redis-topology/ at the repository's root. `start` prints the TEST_* settings the test suites read.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${REDIS_TOPOLOGY_DIR:-$ROOT/.redis-topology}
HOST=127.0.0.1
SENTINEL_NAME=${REDIS_TOPOLOGY_SENTINEL_NAME:-s2b-test}
SENTINEL_DATA_PORTS=${REDIS_TOPOLOGY_SENTINEL_DATA_PORTS:-27010 27011}
SENTINEL_PORTS=${REDIS_TOPOLOGY_SENTINEL_PORTS:-27001 27002 27003}
CLUSTER_PORTS=${REDIS_TOPOLOGY_CLUSTER_PORTS:-7101 7102 7103 7104 7105 7106}

usage() {
  echo "usage: $0 start|stop sentinel|cluster" >&2
  exit 2
}

[[ $# -eq 2 ]] || usage
ACTION=$1
KIND=$2
[[ $KIND == sentinel || $KIND == cluster ]] || usage
STATE=$DIR/$KIND

# Waits until `redis-cli -p <port> <command...>` prints a line matching <pattern>. SENTINEL MASTER's
# field and value lines are joined into field=value first.
wait_for() {
  local port=$1 pattern=$2
  shift 2
  local join=cat
  [[ $1 == SENTINEL && $2 == master ]] && join='paste -d= - -'
  for _ in $(seq 1 100); do
    if redis-cli -h "$HOST" -p "$port" "$@" 2>/dev/null | $join | grep -Eq "$pattern"; then
      return 0
    fi
    sleep 0.2
  done
  echo "redis-topology: port $port never answered $* with /$pattern/" >&2
  return 1
}

# redis-server, daemonized, with nothing on disk but its log and pid file.
server() {
  local port=$1
  shift
  redis-server --port "$port" --bind "$HOST" --daemonize yes --save "" --appendonly no \
    --dir "$STATE" --pidfile "$STATE/$port.pid" --logfile "$STATE/$port.log" "$@"
}

start_sentinel() {
  read -r primary replica <<<"$SENTINEL_DATA_PORTS"
  server "$primary"
  server "$replica" --replicaof "$HOST" "$primary"
  wait_for "$replica" '^master_link_status:up' INFO replication
  for port in $SENTINEL_PORTS; do
    # Sentinel rewrites its configuration file as the topology changes, so each has its own.
    cat >"$STATE/sentinel-$port.conf" <<CONF
port $port
bind $HOST
daemonize yes
pidfile $STATE/$port.pid
logfile $STATE/$port.log
dir $STATE
sentinel monitor $SENTINEL_NAME $HOST $primary 2
sentinel down-after-milliseconds $SENTINEL_NAME 2000
sentinel failover-timeout $SENTINEL_NAME 10000
sentinel parallel-syncs $SENTINEL_NAME 1
CONF
    redis-server "$STATE/sentinel-$port.conf" --sentinel
  done
  for port in $SENTINEL_PORTS; do
    wait_for "$port" "^$primary\$" SENTINEL get-master-addr-by-name "$SENTINEL_NAME"
    # Each Sentinel must know the replica and the other two before a failover can be agreed on.
    wait_for "$port" '^num-slaves=1$' SENTINEL master "$SENTINEL_NAME"
    wait_for "$port" '^num-other-sentinels=2$' SENTINEL master "$SENTINEL_NAME"
  done
  echo "TEST_REDIS_MODE=sentinel TEST_REDIS_SENTINELS=$(for p in $SENTINEL_PORTS; do printf '%s:%s,' "$HOST" "$p"; done | sed 's/,$//') TEST_REDIS_SENTINEL_NAME=$SENTINEL_NAME"
}

start_cluster() {
  local nodes=()
  for port in $CLUSTER_PORTS; do
    server "$port" --cluster-enabled yes --cluster-config-file "$STATE/nodes-$port.conf" --cluster-node-timeout 2000
    nodes+=("$HOST:$port")
  done
  for port in $CLUSTER_PORTS; do
    wait_for "$port" '^PONG$' PING
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$STATE/create.log"
  for port in $CLUSTER_PORTS; do
    wait_for "$port" '^cluster_state:ok' CLUSTER INFO
  done
  echo "TEST_REDIS_MODE=cluster TEST_REDIS_CLUSTER_NODES=$(printf '%s,' "${nodes[@]:0:3}" | sed 's/,$//')"
}

stop() {
  [[ -d $STATE ]] || return 0
  for pidfile in "$STATE"/*.pid; do
    [[ -e $pidfile ]] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
    rm -f "$pidfile"
  done
  rm -rf "$STATE"
}

case $ACTION in
  start)
    stop
    mkdir -p "$STATE"
    "start_$KIND"
    ;;
  stop) stop ;;
  *) usage ;;
esac
