#!/usr/bin/env bash
# Benchmarks and the reliability suite of redis-sessions. Nothing here runs in ./mvnw verify.
#
#   benchmarks/run.sh load [options]         whole-stack load: Tomcat 11 and jetty-home 12.1, in memory,
#                                            redis-sessions and Redisson; report in target/bench/load.md
#   benchmarks/run.sh profile [options]      the load on Tomcat /rw with a JFR recording, and its top frames
#   benchmarks/run.sh jmh [JMH options]      JMH microbenchmarks of the request path (e.g. -f 1 -wi 3 -i 5)
#   benchmarks/run.sh tracking [options]     the CLIENT TRACKING experiment of issue #13: stale reads and reads/s;
#                                            report in target/bench/tracking.md
#   benchmarks/run.sh reliability [options]  faults injected into real Redis processes under load on two
#                                            Tomcat and two Jetty nodes; report in target/bench/reliability.md
#   benchmarks/run.sh --no-build ...         use what is already built
#
# Options of load (defaults): --containers tomcat,jetty --stores memory,redis,redisson --pages ro,rw
#   (store redis-wait: redis-sessions with saveReplicas=1 and a replica attached for that setup)
#   --seconds 15 --warmup 10 --connections 32 --threads 2 --sessions 200 --heap 512m --out <file>
#   --session 1k (or 50k: 20 attributes of 2.5 KB) --balance sticky (and/or round-robin: two nodes)
#   --variants '-' (redis-sessions settings to compare, '|' between variants, e.g. '-|lockingMode=all|nearCache=on')
# Options of tracking: --rounds 20000 --seconds 5 --out <file>
# Options of reliability: --scenarios all (or a comma list, see docs/reliability.md) --seconds-before 5
#   --seconds-after 15 --sessions 64 --clients 16 --out <file>
# docs/benchmarks.md and docs/reliability.md say what is measured and how to read it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=1
if [ "${1:-}" = "--no-build" ]; then BUILD=0; shift; fi
WHAT=${1:-}
[ -n "$WHAT" ] || { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2; }
shift
COMMAND="benchmarks/run.sh $WHAT"
for a in "$@"; do # quoted where a shell needs it, so that the command in a report can be pasted back
  if [[ $a =~ ^[A-Za-z0-9_.,/=:+@-]+$ ]]; then COMMAND+=" $a"; else COMMAND+=" '${a//\'/\'\\\'\'}'"; fi
done

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

pom_value() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$ROOT/pom.xml" | head -1; }
VERSION=$(pom_value version)
TOMCAT_VERSION=$(pom_value tomcat.version)
JETTY_VERSION=$(pom_value jetty.version)
T=$ROOT/benchmarks/target
DIST=$T/dist

if [ $BUILD = 1 ]; then
  # the adapters as users install them: tomcat-valve's -all jar, jetty-session's jetty-base overlay
  log "building the benchmarks and the adapters (./mvnw -q -DskipTests package -pl benchmarks,tomcat-valve,jetty-session -am)"
  ./mvnw -q -B -DskipTests package -pl benchmarks,tomcat-valve,jetty-session -am
fi
[ -f "$T/classpath.txt" ] || die "benchmarks are not built: run without --no-build"
CP="$T/classes:$(cat "$T/classpath.txt")"
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

# ------------------------------------------------ distributions, installed as users install them
fetch() { # groupId:artifactId:version:type file
  if [ ! -f "$DIST/$2" ]; then
    log "downloading $1"
    ./mvnw -q -B -N dependency:copy -Dartifact="$1" -DoutputDirectory="$DIST" -Dmdep.overWriteReleases=true
  fi
  [ -f "$DIST/$2" ] || die "could not download $1"
}
install_dists() {
  mkdir -p "$DIST"
  fetch "org.apache.tomcat:tomcat:$TOMCAT_VERSION:tar.gz" "tomcat-$TOMCAT_VERSION.tar.gz"
  [ -d "$DIST/apache-tomcat-$TOMCAT_VERSION" ] || tar -xzf "$DIST/tomcat-$TOMCAT_VERSION.tar.gz" -C "$DIST"
  fetch "org.eclipse.jetty:jetty-home:$JETTY_VERSION:tar.gz" "jetty-home-$JETTY_VERSION.tar.gz"
  [ -d "$DIST/jetty-home-$JETTY_VERSION" ] || tar -xzf "$DIST/jetty-home-$JETTY_VERSION.tar.gz" -C "$DIST"
  local overlay=jetty-session/target/redis-sessions-jetty-$VERSION-jetty-base.tar.gz
  [ -f "$overlay" ] || die "$overlay is missing: run without --no-build"
  rm -rf "$DIST/jetty-overlay" && mkdir -p "$DIST/jetty-overlay" && tar -xzf "$overlay" -C "$DIST/jetty-overlay"
  ALL_JAR=tomcat-valve/target/redis-sessions-tomcat-$VERSION-all.jar
  [ -f "$ALL_JAR" ] || die "$ALL_JAR is missing: run without --no-build"
  if [ ! -d "$DIST/redisson-lib" ]; then
    log "downloading Redisson's Tomcat manager (benchmarks/redisson/pom.xml)"
    ./mvnw -q -B -f benchmarks/redisson/pom.xml dependency:copy-dependencies \
      -DoutputDirectory="$DIST/redisson-lib.tmp" -DincludeScope=runtime
    mv "$DIST/redisson-lib.tmp" "$DIST/redisson-lib"
  fi
}

props() {
  printf '%s\n' "-Dbench.tomcat.home=$DIST/apache-tomcat-$TOMCAT_VERSION" "-Dbench.jetty.home=$DIST/jetty-home-$JETTY_VERSION" \
    "-Dbench.tomcat.allJar=$ROOT/$ALL_JAR" "-Dbench.jetty.overlay=$DIST/jetty-overlay" \
    "-Dbench.redisson.lib=$DIST/redisson-lib" "-Dbench.work=$T/work/$1"
}

case "$WHAT" in
  load)
    command -v wrk >/dev/null || die "the load benchmark needs wrk (apt-get install wrk)"
    install_dists
    mapfile -t P < <(props load)
    exec "$JAVA" "${P[@]}" -cp "$CP" io.redissessions.bench.load.LoadBenchmark --out "$T/bench/load.md" --command "$COMMAND" "$@"
    ;;
  profile)
    command -v wrk >/dev/null || die "the profile needs wrk (apt-get install wrk)"
    install_dists
    mapfile -t P < <(props profile)
    "$JAVA" "${P[@]}" -cp "$CP" io.redissessions.bench.load.LoadBenchmark --containers tomcat --stores memory,redis \
      --pages rw --jfr "$T/bench/jfr" --out "$T/bench/profile-load.md" --command "$COMMAND" "$@"
    exec "$JAVA" -cp "$CP" io.redissessions.bench.profile.JfrTopFrames --out "$T/bench/profile.md" \
      "$T/bench/jfr/tomcat-redis-rw.jfr" "$T/bench/jfr/tomcat-memory-rw.jfr"
    ;;
  jmh)
    exec "$JAVA" -cp "$CP" org.openjdk.jmh.Main "$@"
    ;;
  tracking)
    exec "$JAVA" -cp "$CP" io.redissessions.bench.tracking.TrackingExperiment --out "$T/bench/tracking.md" \
      --command "$COMMAND" "$@"
    ;;
  reliability)
    install_dists
    mapfile -t P < <(props reliability)
    exec "$JAVA" "${P[@]}" -cp "$CP" io.redissessions.bench.reliability.ReliabilitySuite \
      --out "$T/bench/reliability.md" --command "$COMMAND" "$@"
    ;;
  *) die "unknown: $WHAT (load, profile, jmh, tracking, reliability; see benchmarks/run.sh without arguments)" ;;
esac
