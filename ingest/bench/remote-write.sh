#!/usr/bin/env bash
# Benchmark: sustained remote_write samples/s into Kafka on this machine.
#
# Starts the embedded broker (skippy kafka) and the ingest process (skippy ingest
# --no-kubernetes) as two processes, then a third, the load generator (RemoteWriteLoad, a test
# class), sends real WriteRequests (snappy protobuf) over several connections for a fixed time.
# Prints the samples/s answered 2xx (each 2xx means Kafka acknowledged every sample of it) and the
# metrics topic's record count before and after, to confirm. Every process is stopped by its PID.
#
# Knobs (environment): DURATION (30s), WARMUP (5s), CONNECTIONS (8), SAMPLES_PER_REQUEST (500),
# PARTITIONS (2), SKIPPY_JAVA_OPTS (JVM options of both skippy processes).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-30s}"
WARMUP="${WARMUP:-5s}"
CONNECTIONS="${CONNECTIONS:-8}"
SAMPLES_PER_REQUEST="${SAMPLES_PER_REQUEST:-500}"
PARTITIONS="${PARTITIONS:-2}"
WORK="$ROOT/ingest/target/bench-remote-write-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$WORK"

KAFKA_PID=""
INGEST_PID=""
stop() {
  local pid
  for pid in $INGEST_PID $KAFKA_PID; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
  done
  return 0
}
trap stop EXIT

# Waits until FILE has a line matching PATTERN (the process PID still running), prints the line.
await_line() {
  local file="$1" pattern="$2" pid="$3"
  for _ in $(seq 1 300); do
    if grep -qE "$pattern" "$file" 2>/dev/null; then
      grep -E "$pattern" "$file" | head -1
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "bench: process $pid exited; see $file and ${file%.out}.err" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "bench: timed out waiting for '$pattern' in $file" >&2
  return 1
}

# The launcher builds the CLI when it is older than the sources; the load generator is a test
# class of ingest.
"$ROOT/skippy" --version >/dev/null
LOAD_CLASS="$ROOT/ingest/target/test-classes/io/kubeskippy/ingest/remotewrite/RemoteWriteLoad.class"
if [[ ! -f "$LOAD_CLASS" ]]; then
  (cd "$ROOT" && mvn -B -q test-compile -Dspotless.check.skip=true -pl ingest >&2)
fi
CP="$ROOT/ingest/target/test-classes:$ROOT/cli/target/kubeskippy-cli.jar:$ROOT/cli/target/lib/*"

"$ROOT/skippy" kafka --port 0 --partitions "$PARTITIONS" --data-dir "$WORK/kafka" \
  >"$WORK/kafka.out" 2>"$WORK/kafka.err" &
KAFKA_PID=$!
BOOTSTRAP="$(await_line "$WORK/kafka.out" '^Kafka ready: ' "$KAFKA_PID" | sed 's/^Kafka ready: //')"
await_line "$WORK/kafka.out" '^Ctrl-C' "$KAFKA_PID" >/dev/null

"$ROOT/skippy" ingest --kafka "$BOOTSTRAP" --no-kubernetes --remote-write-port 0 \
  --metrics-port 0 --listen-address 127.0.0.1 >"$WORK/ingest.out" 2>"$WORK/ingest.err" &
INGEST_PID=$!
await_line "$WORK/ingest.out" '^Ctrl-C' "$INGEST_PID" >/dev/null
URL="$(grep -E '^remote_write: ' "$WORK/ingest.out" | awk '{print $2}')"
METRICS="$(grep -E '^metrics: ' "$WORK/ingest.out" | awk '{print $2}' | tr -d ,)"

echo "broker $BOOTSTRAP (pid $KAFKA_PID), ingest pid $INGEST_PID, receiver $URL; $(nproc) CPUs"
BEFORE="$(java -cp "$CP" io.kubeskippy.ingest.remotewrite.RemoteWriteLoad offsets "$BOOTSTRAP" skippy.metrics)"
java -cp "$CP" io.kubeskippy.ingest.remotewrite.RemoteWriteLoad --url "$URL" --duration "$DURATION" \
  --warmup "$WARMUP" --connections "$CONNECTIONS" --samples-per-request "$SAMPLES_PER_REQUEST" \
  | tee "$WORK/load.out"
AFTER="$(java -cp "$CP" io.kubeskippy.ingest.remotewrite.RemoteWriteLoad offsets "$BOOTSTRAP" skippy.metrics)"
echo "skippy.metrics records: $BEFORE before, $AFTER after: +$((AFTER - BEFORE))"
if command -v curl >/dev/null; then
  curl -fsS "$METRICS" | grep -E '^kubeskippy_ingest_(records_(sent|dropped)|remote_write_requests)_total' || true
fi
echo "logs in $WORK"
