# shellcheck shell=bash disable=SC2034  # variables are used by the scripts that source this
# Shared by stack-up, stack-down and stack-env (sourced, not run).
# Profiles: dev (make dev) and test (make test) use disjoint ports, so both can run at once.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.local/venv"
LOCAL_BIN="$ROOT/.local/bin"
STRIPE_DIR="$ROOT/infra/stripe"
KEYS_FILE="$STRIPE_DIR/demo-keys.json"
SERVERS=(moto localstripe layer stripe-mock)

die() {
  echo "error: $*" >&2
  exit 1
}

# Sets PROFILE, RUN_DIR and the *_PORT variables for the profile named in $1: the servers'
# (started by stack-up) and, for a whole stack with its dashboard (make dev, the browser tests),
# the dev gateway's and the dashboard's.
load_profile() {
  PROFILE="${1:-}"
  case "$PROFILE" in
    dev)
      MOTO_PORT=4566 LOCALSTRIPE_PORT=8420 LAYER_PORT=12180
      STRIPE_MOCK_PORT=12111 STRIPE_MOCK_HTTPS_PORT=12112
      GATEWAY_API_PORT=3000 GATEWAY_WEBHOOK_PORT=3001 GATEWAY_LAMBDA_PORT=3002 WEB_PORT=5173
      ;;
    test)
      MOTO_PORT=14566 LOCALSTRIPE_PORT=18420 LAYER_PORT=22180
      STRIPE_MOCK_PORT=22111 STRIPE_MOCK_HTTPS_PORT=22112
      GATEWAY_API_PORT=13100 GATEWAY_WEBHOOK_PORT=13101 GATEWAY_LAMBDA_PORT=13102 WEB_PORT=15173
      ;;
    h[1-8])
      # Private stacks for parallel work in other checkouts (h1..h8), apart from dev and test,
      # and below the kernel's ephemeral port range (32768+), so no client socket takes them.
      local base=$((30000 + ${PROFILE#h} * 100))
      MOTO_PORT=$((base + 1)) LOCALSTRIPE_PORT=$((base + 2)) LAYER_PORT=$((base + 3))
      STRIPE_MOCK_PORT=$((base + 4)) STRIPE_MOCK_HTTPS_PORT=$((base + 5))
      GATEWAY_API_PORT=$((base + 20)) GATEWAY_WEBHOOK_PORT=$((base + 21))
      GATEWAY_LAMBDA_PORT=$((base + 22)) WEB_PORT=$((base + 23))
      ;;
    *) die "unknown profile '${PROFILE}': use dev, test or h1..h8 (usage: $(basename "$0") dev|test|h1..h8)" ;;
  esac
  RUN_DIR="$ROOT/.local/run/$PROFILE"
}

# The sk_test_ key the permission layer forwards allowed calls with (from the key config).
upstream_secret_key() {
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["secret_key"])' "$KEYS_FILE"
}

# Prints the pid recorded for a server if that process is still alive and is one of ours
# (its command line names this checkout), so a recycled pid is never signalled.
live_pid() {
  local pid_file="$RUN_DIR/$1.pid" pid
  [[ -f "$pid_file" ]] || return 1
  pid="$(<"$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$ROOT/" || return 1
  echo "$pid"
}

# Sets PROC_STATE and PROC_PGID of a process from /proc (builtins only: no procps, no forks);
# fails if the process is gone.
proc_state() {
  local line
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
  read -r PROC_STATE _ PROC_PGID _ <<<"${line##*) }"
}

# True while the process (or, with "group", any process of its group) runs. Zombies do not
# count: here PID 1 reaps orphans only every second or two.
still_running() {
  local entry
  if [[ "${2:-}" == group ]]; then
    for entry in /proc/[0-9]*; do
      proc_state "${entry#/proc/}" || continue
      [[ "$PROC_STATE" != Z && "$PROC_PGID" == "$1" ]] && return 0
    done
    return 1
  fi
  proc_state "$1" && [[ "$PROC_STATE" != Z ]]
}

# Stops one server (its whole process group when it leads one) and removes its pid file.
# Never fails: nothing running is not an error.
stop_server() {
  local name="$1" pid target scope i
  if pid="$(live_pid "$name")"; then
    target="$pid" scope=process
    if proc_state "$pid" && [[ "$PROC_PGID" == "$pid" ]]; then
      target="-$pid" scope=group
    fi
    kill -TERM -- "$target" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      still_running "$pid" "$scope" || break
      sleep 0.1
    done
    if still_running "$pid" "$scope"; then
      kill -KILL -- "$target" 2>/dev/null || true
    fi
    echo "stopped $name (pid $pid)"
  fi
  rm -f "$RUN_DIR/$name.pid"
}
