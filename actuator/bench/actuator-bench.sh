#!/usr/bin/env bash
# The actuator's benchmark: a real Kafka broker, fabric8's mock API server (CRUD mode) with
# DEPLOYMENTS x REPLICAS pods, and the actuator with --dry-run, all in one JVM.
#   1. throughput: ACTIONS actions wait on the topic; actions/s from the actuator's start to the
#      last outcome on the audit topic;
#   2. latency: RATE actions/s for SECONDS; p50/p90/p99 from consume to outcome, and from the
#      producer's send to the outcome on the audit topic.
# Knobs: ACTIONS=20000 RATE=500 SECONDS=30 DEPLOYMENTS=50 REPLICAS=4 WORKERS=4.
# Output and temp files stay under actuator/target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o test-compile -Dspotless.check.skip
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench/classpath.txt
mkdir -p target/bench
exec java ${BENCH_JAVA_OPTS:-} -Xmx2g -Djava.io.tmpdir=target/bench \
  -Dlog4j2.configurationFile=src/test/resources/log4j2-test.xml \
  -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" \
  io.kubeskippy.actuator.ActuatorBench
