# shellcheck shell=bash
# The whole local stack beside its servers: the dev gateway (com.agentbilly.local.DevStack: the
# real handlers, bootstrap, demo org) and the dashboard (web/, served by Vite). Sourced by run-dev,
# run-browser-tests and infra/bench/web after stack-lib.sh's load_profile.

# Installs the modules and writes the gateway's classpath to .local/dev-classpath.txt.
build_gateway() {
  mvn -B -ntp -q install -DskipTests -Djacoco.skip=true -Dspotless.check.skip=true
  mvn -B -ntp -q -pl infra/local dependency:build-classpath -Dmdep.outputFile="$ROOT/.local/dev-classpath.txt"
}

# The environment of the gateway's JVM for the loaded profile: its ports, its stack file ($1), and
# the dashboard's origins (localhost and 127.0.0.1) as those CORS allows.
gateway_environment() {
  export DEV_API_PORT="$GATEWAY_API_PORT" DEV_WEBHOOK_PORT="$GATEWAY_WEBHOOK_PORT"
  export DEV_LAMBDA_PORT="$GATEWAY_LAMBDA_PORT"
  export WEBHOOK_BASE_URL="http://127.0.0.1:$GATEWAY_WEBHOOK_PORT"
  export WEB_URL="http://localhost:$WEB_PORT"
  export ALLOWED_ORIGINS="$WEB_URL,http://127.0.0.1:$WEB_PORT"
  export STACK_FILE="$1"
}

# Starts the gateway in the background; sets GATEWAY_PID. Output goes to $1 when given.
start_gateway() {
  local log="${1:-/dev/stdout}"
  "$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 \
    -cp "$ROOT/infra/local/target/classes:$(cat "$ROOT/.local/dev-classpath.txt")" \
    com.agentbilly.local.DevStack >>"$log" 2>&1 &
  GATEWAY_PID=$!
}

# Starts the dashboard on WEB_PORT in the background: `dev` (Vite's dev server, edits show at
# once) or `preview` (the production build in web/dist). It serves /config.json from the stack
# file ($2). Sets WEB_PID.
start_web() {
  local mode="$1" stack_file="$2" log="${3:-/dev/stdout}"
  (cd "$ROOT/web" && BILLY_STACK_FILE="$stack_file" WEB_PORT="$WEB_PORT" \
    exec node_modules/.bin/vite "$([[ $mode == dev ]] && echo serve || echo preview)" --clearScreen false) >>"$log" 2>&1 &
  WEB_PID=$!
}

# Waits until the stack file ($1) exists, while process $2 runs, for at most $3 seconds.
wait_for_stack_file() {
  local file="$1" pid="$2" deadline=$((SECONDS + $3))
  until [[ -f "$file" ]]; do
    kill -0 "$pid" 2>/dev/null || return 1
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# Stops what start_gateway and start_web started (SIGTERM, then waits).
stop_app() {
  local pid
  for pid in "${WEB_PID:-}" "${GATEWAY_PID:-}"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  WEB_PID="" GATEWAY_PID=""
}
