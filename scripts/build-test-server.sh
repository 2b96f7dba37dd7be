#!/usr/bin/env bash
# Fetches Temporal's time-skipping test server (the Java one, from Maven Central),
# pinned, once per machine, into a cache outside the repository, and writes an
# executable wrapper for it:
#
#   $CACHE_DIR/temporal-test-server-<version>/temporal-test-server <port> [--enable-time-skipping]
#
# TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } })
# runs that wrapper (the SDK's own download of the test server is not reachable here).
# Re-running is cheap: a wrapper whose jars are all there is reused.
#
# stdout: the wrapper's path, and nothing else. The same path is written to
# $CACHE_DIR/test-server.env as TEMPORAL_TEST_SERVER=<path>. Progress goes to stderr.
# Needs Java >= 11 (17 here) and Maven >= 3.6 the first time; Java alone afterwards.
set -euo pipefail

TEST_SERVER_VERSION=1.38.0       # io.temporal:temporal-test-server (newest on Maven Central that runs on Java 17)
SLF4J_VERSION=1.7.36             # = the slf4j-api the test server depends on; slf4j-simple logs its warnings to stderr
DEPENDENCY_PLUGIN_VERSION=3.8.1  # org.apache.maven.plugins:maven-dependency-plugin
CACHE_DIR="${OFFERFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/offerflow}"
DIR="$CACHE_DIR/temporal-test-server-$TEST_SERVER_VERSION"
WRAPPER="$DIR/temporal-test-server"
MAIN_JAR="temporal-test-server-$TEST_SERVER_VERSION.jar"

log() { printf '[test-server] %s\n' "$*" >&2; }
die() { printf '[test-server] ERROR: %s\n' "$*" >&2; exit 1; }

# Every jar listed in jars.txt (written last by a complete build) is there, and the wrapper too.
complete() {
  [ -x "$WRAPPER" ] && [ -s "$DIR/jars.txt" ] && [ -f "$DIR/lib/$MAIN_JAR" ] || return 1
  local jar
  while IFS= read -r jar; do
    [ -f "$DIR/lib/$jar" ] || return 1
  done < "$DIR/jars.txt"
}

finish() {
  printf 'TEMPORAL_TEST_SERVER=%s\n' "$WRAPPER" > "$CACHE_DIR/test-server.env"
  printf '%s\n' "$WRAPPER"
}

case $DIR in *"'"*) die "the cache directory's path may not contain a single quote: $DIR (set OFFERFLOW_CACHE_DIR)" ;; esac
mkdir -p "$CACHE_DIR"
if complete; then
  log "temporal-test-server $TEST_SERVER_VERSION: cached at $WRAPPER"
  finish
  exit 0
fi

# Several test files may ask at once: one builds, the others wait and reuse its result.
exec 9> "$CACHE_DIR/temporal-test-server.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
  if complete; then
    log "temporal-test-server $TEST_SERVER_VERSION: built meanwhile by another process, at $WRAPPER"
    finish
    exit 0
  fi
fi

command -v java >/dev/null 2>&1 || die "Java is not installed (the test server is a Java program). Install a JDK/JRE >= 11 (e.g. apt-get install openjdk-17-jre-headless) and re-run."
command -v mvn >/dev/null 2>&1 || die "Maven is not installed (needed once to fetch io.temporal:temporal-test-server:$TEST_SERVER_VERSION and its jars from Maven Central). Install Maven >= 3.6 (e.g. apt-get install maven) and re-run."
java_version=$(java -version 2>&1) || die "'java -version' failed: $java_version"
java_major=$(printf '%s\n' "$java_version" | sed -n '1s/.*version "\([0-9]*\)[."].*/\1/p')
if [ -z "$java_major" ] || ! [ "$java_major" -ge 11 ] 2>/dev/null; then
  die "the test server needs Java >= 11; 'java -version' says: ${java_version%%$'\n'*}"
fi

log "temporal-test-server $TEST_SERVER_VERSION: fetching it and its jars with Maven (a minute or two the first time)..."
start=$SECONDS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A throw-away project whose only dependencies are the test server and a logger for it.
cat > "$tmp/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>offerflow.local</groupId>
  <artifactId>temporal-test-server-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId><version>$TEST_SERVER_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>$SLF4J_VERSION</version></dependency>
  </dependencies>
</project>
EOF
if ! (cd "$tmp" && mvn -B -q -Dstyle.color=never "org.apache.maven.plugins:maven-dependency-plugin:$DEPENDENCY_PLUGIN_VERSION:copy-dependencies" \
  -DincludeScope=runtime -DoutputDirectory="$tmp/lib" > "$tmp/mvn.log" 2>&1); then
  log "Maven's output:"
  tail -n 40 "$tmp/mvn.log" >&2
  die "temporal-test-server $TEST_SERVER_VERSION: Maven could not fetch it (see above; is Maven Central reachable?)."
fi
[ -f "$tmp/lib/$MAIN_JAR" ] || die "temporal-test-server $TEST_SERVER_VERSION: Maven finished but $MAIN_JAR is not among the jars it copied."
log "temporal-test-server $TEST_SERVER_VERSION: $(find "$tmp/lib" -name '*.jar' | wc -l) jars fetched in $((SECONDS - start))s"

rm -rf "$DIR"
mkdir -p "$DIR"
mv "$tmp/lib" "$DIR/lib"
# Start-up matters more than peak speed (one server per test file): client compiler only, serial GC,
# and an application class-data archive (cds.jsa, made below) of the classes loaded at start-up.
# A JVM that cannot use the archive (another java, moved jars) ignores it and starts as usual.
cat > "$WRAPPER" <<EOF
#!/bin/sh
# Written by scripts/build-test-server.sh: Temporal's time-skipping test server $TEST_SERVER_VERSION (Java SDK).
# Usage: $WRAPPER <port> [--enable-time-skipping]
dir='$DIR'
cds=
[ -f "\$dir/cds.jsa" ] && cds="-XX:SharedArchiveFile=\$dir/cds.jsa"
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto \$cds -Xlog:cds=off -Xlog:cds+dynamic=off \\
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "\$dir/lib/*" io.temporal.testserver.TestServer "\$@"
EOF
chmod +x "$WRAPPER"

# A free port on loopback for a trial run.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 40000))
  if port_free "$p"; then port=$p; break; fi
done
[ -n "$port" ] || die "found no free port on 127.0.0.1 for a trial run of the test server."

# Trial run: the server must come up; on its way out the JVM writes the class-data archive.
log "temporal-test-server $TEST_SERVER_VERSION: trial run on port $port (and class-data archive for a faster start)..."
JAVA_TOOL_OPTIONS="-XX:ArchiveClassesAtExit=$DIR/cds.jsa.tmp" "$WRAPPER" "$port" > "$tmp/trial.log" 2>&1 &
pid=$!
t0=$SECONDS
until ! port_free "$port"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" || true
    log "its output:"
    tail -n 40 "$tmp/trial.log" >&2
    die "temporal-test-server $TEST_SERVER_VERSION: the server exited at start-up (see above)."
  fi
  if [ $((SECONDS - t0)) -ge 120 ]; then
    kill -9 "$pid" 2>/dev/null || true
    die "temporal-test-server $TEST_SERVER_VERSION: the server did not listen on port $port within 120 s."
  fi
  sleep 0.1
done
sleep 1 # let the gRPC services finish loading, so that their classes are archived too
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" || true
if [ -s "$DIR/cds.jsa.tmp" ]; then
  mv "$DIR/cds.jsa.tmp" "$DIR/cds.jsa"
else
  rm -f "$DIR/cds.jsa.tmp"
  log "temporal-test-server $TEST_SERVER_VERSION: no class-data archive was written (start-up will be slower, it works all the same)"
fi

(cd "$DIR/lib" && find . -maxdepth 1 -name '*.jar' -printf '%f\n' | LC_ALL=C sort) > "$DIR/jars.txt"
log "temporal-test-server $TEST_SERVER_VERSION: ready in $((SECONDS - start))s -> $WRAPPER"
finish
