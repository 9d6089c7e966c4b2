#!/usr/bin/env bash
# The redis-sessions demo: one Redis, two Tomcat 11 nodes, two Jetty 12 nodes, all with
# namespace "demo" so that they share sessions, and a round-robin load balancer without any
# stickiness in front of them. Everything is installed from the real distributions (Maven
# Central) exactly as docs/tomcat.md and docs/jetty.md tell users, under target/demo/.
#
#   demo/run.sh                 build, install, start; Ctrl-C stops everything it started
#   demo/run.sh --no-build      use what is already built
#   demo/run.sh --smoke         start, check through the load balancer, stop (exit status)
#   demo/run.sh --tomcat 1 --jetty 3    other node counts (0 leaves a container out)
#
# Environment: DEMO_PORT (load balancer, default 8080), DEMO_REDIS_PORT (default 6379),
# DEMO_NODE_PORT (first node, default 8081), DEMO_WORK (default target/demo). A port that is
# taken is replaced by the next free one, and said so.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

BUILD=1
SMOKE=0
TOMCATS=2
JETTYS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --smoke) SMOKE=1 ;;
    --tomcat) TOMCATS=$2; shift ;;
    --jetty) JETTYS=$2; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

WORK=${DEMO_WORK:-$ROOT/target/demo}
NAMESPACE=demo
CONTEXT=demo

log() { printf '[demo] %s\n' "$*"; }
die() { printf '[demo] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- versions, from the parent pom
pom_value() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -1; }
VERSION=$(pom_value version)
TOMCAT_VERSION=$(pom_value tomcat.version)
JETTY_VERSION=$(pom_value jetty.version)
EMBEDDED_REDIS_VERSION=$(pom_value embedded-redis.version)
[ -n "$VERSION" ] && [ -n "$TOMCAT_VERSION" ] && [ -n "$JETTY_VERSION" ] || die "cannot read versions from pom.xml"

TOMCAT_JAR=tomcat-valve/target/redis-sessions-tomcat-$VERSION-all.jar
JETTY_OVERLAY=jetty-session/target/redis-sessions-jetty-$VERSION-jetty-base.tar.gz
WAR=demo/webapp/target/demo.war
BALANCER=demo/launcher/target/demo-balancer.jar

# ---------------------------------------------------------------- processes we start, stopped by PID
PIDS=()
NAMES=()
cleanup() {
  trap - INT TERM EXIT
  local i pid
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[$i]}
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping ${NAMES[$i]} (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    pid=${PIDS[$i]}
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "${NAMES[$i]} (pid $pid) did not stop in 10 s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}
trap 'exit 130' INT
trap 'exit 143' TERM
trap cleanup EXIT

started() { PIDS+=("$1"); NAMES+=("$2"); }

# ---------------------------------------------------------------- ports
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
TAKEN=" "
free_port() { # $1 variable, $2 preferred port: sets the variable to it, or to the next free port
  local p=$2
  while [[ "$TAKEN" == *" $p "* ]] || port_in_use "$p"; do p=$((p + 1)); done
  TAKEN="$TAKEN$p "
  printf -v "$1" '%s' "$p"
}

# ---------------------------------------------------------------- build
if [ $BUILD = 1 ]; then
  modules=demo/webapp,demo/launcher
  [ "$TOMCATS" -gt 0 ] && modules=$modules,tomcat-valve
  [ "$JETTYS" -gt 0 ] && modules=$modules,jetty-session
  log "building $modules (./mvnw -q -DskipTests package)"
  ./mvnw -q -B -DskipTests package -pl "$modules" -am
fi
[ -f "$WAR" ] || die "$WAR is missing: build with ./mvnw -DskipTests package -pl demo/webapp -am"
[ -f "$BALANCER" ] || die "$BALANCER is missing: build with ./mvnw -DskipTests package -pl demo/launcher -am"
if [ "$TOMCATS" -gt 0 ] && [ ! -f "$TOMCAT_JAR" ]; then
  die "$TOMCAT_JAR is missing: the Tomcat adapter is not built (run without --no-build, or use --tomcat 0)"
fi
if [ "$JETTYS" -gt 0 ] && [ ! -f "$JETTY_OVERLAY" ]; then
  die "$JETTY_OVERLAY is missing: the Jetty adapter is not built (run without --no-build, or use --jetty 0)"
fi

mkdir -p "$WORK/dist" "$WORK/logs"
LOGS=$WORK/logs

# ---------------------------------------------------------------- distributions from Maven Central
fetch() { # groupId:artifactId:version:type -> file in $WORK/dist
  local a=$1 file=$2
  if [ ! -f "$WORK/dist/$file" ]; then
    log "downloading $a"
    ./mvnw -q -B -N dependency:copy -Dartifact="$a" -DoutputDirectory="$WORK/dist" -Dmdep.overWriteReleases=true
  fi
  [ -f "$WORK/dist/$file" ] || die "could not download $a"
}
if [ "$TOMCATS" -gt 0 ]; then
  fetch "org.apache.tomcat:tomcat:$TOMCAT_VERSION:tar.gz" "tomcat-$TOMCAT_VERSION.tar.gz"
  CATALINA_HOME=$WORK/apache-tomcat-$TOMCAT_VERSION
  [ -d "$CATALINA_HOME" ] || tar -xzf "$WORK/dist/tomcat-$TOMCAT_VERSION.tar.gz" -C "$WORK"
fi
if [ "$JETTYS" -gt 0 ]; then
  fetch "org.eclipse.jetty:jetty-home:$JETTY_VERSION:tar.gz" "jetty-home-$JETTY_VERSION.tar.gz"
  JETTY_HOME=$WORK/jetty-home-$JETTY_VERSION
  [ -d "$JETTY_HOME" ] || tar -xzf "$WORK/dist/jetty-home-$JETTY_VERSION.tar.gz" -C "$WORK"
fi

# ---------------------------------------------------------------- Redis
REDIS_SERVER=$(command -v redis-server || true)
if [ -z "$REDIS_SERVER" ]; then
  # The Redis binary shipped in a Maven Central artifact (linux-amd64), as the tests use it.
  REDIS_SERVER=$WORK/bin/redis-server
  if [ ! -x "$REDIS_SERVER" ]; then
    [ "$(uname -s)/$(uname -m)" = "Linux/x86_64" ] ||
      die "no redis-server on PATH, and the bundled fallback is for Linux x86-64 only: install Redis"
    fetch "com.github.codemonstur:embedded-redis:$EMBEDDED_REDIS_VERSION" "embedded-redis-$EMBEDDED_REDIS_VERSION.jar"
    mkdir -p "$WORK/bin"
    unzip -p "$WORK/dist/embedded-redis-$EMBEDDED_REDIS_VERSION.jar" redis-server-6.2.6-v5-linux-amd64 > "$REDIS_SERVER"
    chmod 700 "$REDIS_SERVER"
  fi
  log "no redis-server on PATH: using $REDIS_SERVER (from embedded-redis $EMBEDDED_REDIS_VERSION)"
fi

free_port REDIS_PORT "${DEMO_REDIS_PORT:-6379}"
[ "$REDIS_PORT" = "${DEMO_REDIS_PORT:-6379}" ] || log "port ${DEMO_REDIS_PORT:-6379} is taken: Redis uses $REDIS_PORT"
free_port LB_PORT "${DEMO_PORT:-8080}"
[ "$LB_PORT" = "${DEMO_PORT:-8080}" ] || log "port ${DEMO_PORT:-8080} is taken: the load balancer uses $LB_PORT"

rm -rf "$WORK/redis" && mkdir -p "$WORK/redis"
"$REDIS_SERVER" --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$WORK/redis" --save "" --appendonly no \
  --logfile "$LOGS/redis.log" --daemonize no &
started $! "redis-server :$REDIS_PORT"
REDIS_URI=redis://127.0.0.1:$REDIS_PORT/0

redis_ping() {
  local reply
  reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" && printf 'PING\r\n' >&3 && head -c 5 <&3) 2>/dev/null) || return 1
  [ "${reply%$'\r'}" = "+PONG" ]
}
for _ in $(seq 1 100); do redis_ping && break; sleep 0.1; done
redis_ping || die "Redis did not start on port $REDIS_PORT: see $LOGS/redis.log"
log "Redis on 127.0.0.1:$REDIS_PORT (pid ${PIDS[-1]})"

# ---------------------------------------------------------------- nodes
BACKENDS=()
NODE_NAMES=()
NODE_PORTS=()
NODE_PIDS=()

# Tomcat: one CATALINA_HOME, one CATALINA_BASE per node. As docs/tomcat.md says: the -all jar
# into $CATALINA_BASE/lib, the Valve and the Manager into context.xml.
install_tomcat() { # $1 name, $2 port
  local name=$1 port=$2 base=$WORK/$1
  rm -rf "$base" && mkdir -p "$base"/{conf,lib,logs,temp,webapps,work}
  cp -r "$CATALINA_HOME/conf/." "$base/conf/"
  cp "$TOMCAT_JAR" "$base/lib/"
  # this node's HTTP port, on loopback; no shutdown port (the demo stops it by PID)
  sed -i -e 's/<Server port="8005"/<Server port="-1"/' \
         -e "s/<Connector port=\"8080\"/<Connector port=\"$port\" address=\"127.0.0.1\"/" "$base/conf/server.xml"
  grep -q "port=\"$port\" address=\"127.0.0.1\"" "$base/conf/server.xml" || die "could not set the port in $base/conf/server.xml"
  # the two lines of the documentation, before </Context>
  local valve='    <Valve className="io.redissessions.tomcat.RedisSessionValve"/>'
  local manager="    <Manager className=\"io.redissessions.tomcat.RedisSessionManager\" uri=\"$REDIS_URI\" namespace=\"$NAMESPACE\" allowedClasses=\"io.redissessions.demo.*\" nodeId=\"$name\"/>"
  awk -v valve="$valve" -v manager="$manager" '/<\/Context>/ { print valve; print manager } { print }' \
    "$base/conf/context.xml" > "$base/conf/context.xml.new" && mv "$base/conf/context.xml.new" "$base/conf/context.xml"
  grep -q RedisSessionManager "$base/conf/context.xml" || die "could not configure $base/conf/context.xml"
  cp "$WAR" "$base/webapps/$CONTEXT.war"
}

start_tomcat() { # $1 name, $2 port
  local name=$1 port=$2 base=$WORK/$1
  CATALINA_HOME=$CATALINA_HOME CATALINA_BASE=$base CATALINA_PID='' \
    CATALINA_OPTS="-Ddemo.node=$name -Ddemo.redis=127.0.0.1:$REDIS_PORT -Ddemo.namespace=$NAMESPACE" \
    "$CATALINA_HOME/bin/catalina.sh" run > "$LOGS/$name.log" 2>&1 &
  started $! "$name"
}

# Jetty: one JETTY_HOME, one JETTY_BASE per node. As docs/jetty.md says: unpack the overlay into
# $JETTY_BASE, add the module, put the settings into start.d/session-store-redis.ini.
install_jetty() { # $1 name, $2 port
  local name=$1 port=$2 base=$WORK/$1
  rm -rf "$base" && mkdir -p "$base"
  tar -xzf "$ROOT/$JETTY_OVERLAY" -C "$base"
  (cd "$base" && java -jar "$JETTY_HOME/start.jar" --add-modules=http,ee10-deploy,session-store-redis) \
    > "$LOGS/$name-install.log" 2>&1 || die "jetty --add-modules failed: see $LOGS/$name-install.log"
  [ -f "$base/start.d/session-store-redis.ini" ] || die "no start.d/session-store-redis.ini in $base: see $LOGS/$name-install.log"
  cat >> "$base/start.d/session-store-redis.ini" <<EOF

## demo/run.sh
jetty.session.redis.uri=$REDIS_URI
jetty.session.redis.namespace=$NAMESPACE
jetty.session.redis.allowedClasses=io.redissessions.demo.*
jetty.session.redis.nodeId=$name
EOF
  cat >> "$base/start.d/http.ini" <<EOF

## demo/run.sh: this node's port, on loopback
jetty.http.host=127.0.0.1
jetty.http.port=$port
EOF
  # Each node its own worker name (docs/jetty.md). Jetty appends it to the id in the session cookie
  # (ID.jetty-1); the Tomcat nodes look sessions up without such a suffix, as Jetty does
  # (docs/operations.md, "Tomcat and Jetty in one cluster"). No '.' in it: Jetty cuts at the last '.'.
  printf '\n## demo/run.sh\njetty.sessionIdManager.workerName=%s\n' "$name" >> "$base/start.d/sessions.ini"
  mkdir -p "$base/webapps"
  cp "$WAR" "$base/webapps/$CONTEXT.war"
}

start_jetty() { # $1 name
  local name=$1 base=$WORK/$1
  (cd "$base" && exec java "-Ddemo.node=$name" "-Ddemo.redis=127.0.0.1:$REDIS_PORT" "-Ddemo.namespace=$NAMESPACE" \
     -jar "$JETTY_HOME/start.jar") > "$LOGS/$name.log" 2>&1 &
  started $! "$name"
}

next_port=${DEMO_NODE_PORT:-8081}
for i in $(seq 1 "$TOMCATS"); do
  name=tomcat-$i; free_port port $next_port; next_port=$((port + 1))
  install_tomcat "$name" "$port"; start_tomcat "$name" "$port"
  NODE_NAMES+=("$name"); NODE_PORTS+=("$port"); NODE_PIDS+=("${PIDS[-1]}")
done
for i in $(seq 1 "$JETTYS"); do
  name=jetty-$i; free_port port $next_port; next_port=$((port + 1))
  install_jetty "$name" "$port"; start_jetty "$name"
  NODE_NAMES+=("$name"); NODE_PORTS+=("$port"); NODE_PIDS+=("${PIDS[-1]}")
done
[ ${#NODE_NAMES[@]} -gt 0 ] || die "no nodes: --tomcat and --jetty are both 0"

# Ready = the webapp answers. OPTIONS reaches the demo servlet (405 with its X-Demo-Node header)
# without creating a session.
node_ready() { # $1 port
  local reply
  reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$1" &&
            printf 'OPTIONS /%s/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$CONTEXT" >&3 && cat <&3) 2>/dev/null) || return 1
  grep -qi '^X-Demo-Node:' <<<"$reply"
}
for idx in "${!NODE_NAMES[@]}"; do
  name=${NODE_NAMES[$idx]}; port=${NODE_PORTS[$idx]}; pid=${NODE_PIDS[$idx]}
  ok=0
  for _ in $(seq 1 240); do
    if node_ready "$port"; then ok=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if [ $ok = 0 ]; then
    tail -n 40 "$LOGS/$name.log" >&2 || true
    die "$name did not serve /$CONTEXT/ on port $port: see $LOGS/$name.log"
  fi
  log "$name on http://127.0.0.1:$port/$CONTEXT/ (pid $pid)"
  BACKENDS+=("http://127.0.0.1:$port")
done

# ---------------------------------------------------------------- load balancer
java -jar "$BALANCER" --host 127.0.0.1 --port "$LB_PORT" "${BACKENDS[@]}" > "$LOGS/balancer.log" 2>&1 &
started $! "load balancer :$LB_PORT"
for _ in $(seq 1 100); do
  grep -q "round-robin balancer on" "$LOGS/balancer.log" 2>/dev/null && break
  kill -0 "${PIDS[-1]}" 2>/dev/null || break
  sleep 0.1
done
grep -q "round-robin balancer on" "$LOGS/balancer.log" 2>/dev/null || die "the load balancer did not start: see $LOGS/balancer.log"

URL=http://localhost:$LB_PORT/$CONTEXT/

# ---------------------------------------------------------------- smoke check
if [ $SMOKE = 1 ]; then
  command -v curl >/dev/null || die "--smoke needs curl"
  jar=$WORK/smoke-cookies.txt; rm -f "$jar"
  fetch_page() { curl -sS -m 10 -b "$jar" -c "$jar" "$@"; }
  field() { sed -n "s:.*id=\"$1\">\([^<]*\)<.*:\1:p" | head -1; }
  fail() { log "SMOKE FAILED: $*"; exit 1; }
  fetch_page -o /dev/null -X POST -d 'action=add&item=coffee' "$URL"
  fetch_page -o /dev/null -X POST -d 'action=add&item=tea' "$URL"
  fetch_page -o /dev/null -X POST -d 'action=add&item=coffee' "$URL"
  nodes=() counters=() ids=()
  n=$((2 * ${#BACKENDS[@]}))
  for i in $(seq 1 $n); do
    page=$(fetch_page "$URL")
    nodes+=("$(field node <<<"$page")"); counters+=("$(field counter <<<"$page")"); ids+=("$(field session-id <<<"$page")")
    grep -q '2 &times; coffee' <<<"$page" || fail "request $i on ${nodes[-1]}: the cart lost the in-place change: $(grep -o 'class="item">[^<]*' <<<"$page" | tr '\n' ' ')"
    grep -q '1 &times; tea' <<<"$page" || fail "request $i on ${nodes[-1]}: tea is missing from the cart"
  done
  log "smoke: nodes ${nodes[*]}"
  log "smoke: counters ${counters[*]}"
  distinct_nodes=$(printf '%s\n' "${nodes[@]}" | sort -u | wc -l)
  [ "$distinct_nodes" -eq ${#BACKENDS[@]} ] || fail "expected ${#BACKENDS[@]} nodes, saw $distinct_nodes"
  # Tomcat shows the id with the node suffix its request carried (.jvmRoute or .workerName), Jetty
  # without: the session is the same as long as the id before the last '.' is
  [ "$(printf '%s\n' "${ids[@]}" | sed 's/\.[^.]*$//' | sort -u | wc -l)" -eq 1 ] || fail "the session id changed: ${ids[*]}"
  for i in $(seq 1 $((n - 1))); do
    [ "${counters[$i]}" -eq $((${counters[$((i - 1))]} + 1)) ] || fail "the counter did not grow by one: ${counters[*]}"
  done
  fetch_page -o /dev/null -X POST -d 'action=login&user=alice' "$URL"
  page=$(fetch_page "$URL"); user=$(field user <<<"$page")
  [ "$user" = alice ] || fail "login was lost on $(field node <<<"$page")"
  fetch_page -o /dev/null -X POST -d 'action=logout' "$URL"
  page=$(fetch_page "$URL")
  grep -q 'id="user"' <<<"$page" && fail "logout was lost on $(field node <<<"$page")"
  log "smoke: OK (one session across ${nodes[*]}; counter ${counters[0]} to ${counters[-1]}; cart kept; login and logout seen by every node)"
  exit 0
fi

cat <<EOF

  redis-sessions demo: $URL

  ${#NODE_NAMES[@]} nodes (${NODE_NAMES[*]}) behind a round-robin load balancer without stickiness,
  sessions in Redis at 127.0.0.1:$REDIS_PORT (namespace "$NAMESPACE": redis-cli -p $REDIS_PORT --scan --pattern 'rs:*').
  Reload the page: every request goes to the next node. Logs: $LOGS
  Ctrl-C stops everything.

EOF

# Run until Ctrl-C; say so if a process dies on its own.
while :; do
  for i in "${!PIDS[@]}"; do
    if [ -n "${PIDS[$i]}" ] && ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
      log "${NAMES[$i]} (pid ${PIDS[$i]}) exited: see $LOGS"
      PIDS[$i]=""
    fi
  done
  sleep 2
done
