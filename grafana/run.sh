#!/usr/bin/env bash
# Runs Grafana with KubeSkippy's datasource and dashboards provisioned.
#
#   grafana/run.sh [docker|local]
#
# KUBESKIPPY_PROMETHEUS_URL  the Prometheus to query (default http://localhost:9090; the demo
#                            prints its own)
# GRAFANA_PORT               Grafana's port (default 3000)
# GRAFANA_IMAGE              image for docker (default grafana/grafana:11.3.0)
# GRAFANA_HOME               homepath of a local Grafana (default /usr/share/grafana)
#
# docker: host networking, so "localhost" is the host's Prometheus. local: a Grafana installed
# from Grafana's Debian/RPM repository or tarball (`grafana server`, or `grafana-server` before
# Grafana 10), with its data and logs under grafana/target/. Anonymous viewers are allowed:
# it is meant for a workstation. Ctrl-C stops it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export KUBESKIPPY_PROMETHEUS_URL="${KUBESKIPPY_PROMETHEUS_URL:-http://localhost:9090}"
PORT="${GRAFANA_PORT:-3000}"
MODE="${1:-}"
if [[ -z "$MODE" ]]; then
  if command -v docker >/dev/null 2>&1; then MODE=docker; else MODE=local; fi
fi

echo "Grafana on http://localhost:$PORT (dashboards in folder KubeSkippy), Prometheus $KUBESKIPPY_PROMETHEUS_URL" >&2
case "$MODE" in
  docker)
    exec docker run --rm --name kubeskippy-grafana --network host \
      -e GF_SERVER_HTTP_PORT="$PORT" \
      -e GF_AUTH_ANONYMOUS_ENABLED=true -e GF_AUTH_ANONYMOUS_ORG_ROLE=Viewer \
      -e KUBESKIPPY_PROMETHEUS_URL \
      -e KUBESKIPPY_DASHBOARDS=/var/lib/grafana/dashboards \
      -v "$HERE/provisioning:/etc/grafana/provisioning:ro" \
      -v "$HERE/dashboards:/var/lib/grafana/dashboards:ro" \
      "${GRAFANA_IMAGE:-grafana/grafana:11.3.0}"
    ;;
  local)
    HOMEPATH="${GRAFANA_HOME:-/usr/share/grafana}"
    if command -v grafana >/dev/null 2>&1; then
      CMD=(grafana server)
    elif command -v grafana-server >/dev/null 2>&1; then
      CMD=(grafana-server)
    elif [[ -x "$HOMEPATH/bin/grafana" ]]; then
      CMD=("$HOMEPATH/bin/grafana" server)
    else
      echo "run.sh: no grafana on PATH or in $HOMEPATH/bin; install Grafana or use docker" >&2
      exit 1
    fi
    STATE="$HERE/target/grafana"
    mkdir -p "$STATE/data" "$STATE/logs" "$STATE/plugins"
    export KUBESKIPPY_DASHBOARDS="$HERE/dashboards"
    export GF_PATHS_PROVISIONING="$HERE/provisioning"
    export GF_PATHS_DATA="$STATE/data" GF_PATHS_LOGS="$STATE/logs" GF_PATHS_PLUGINS="$STATE/plugins"
    export GF_SERVER_HTTP_PORT="$PORT"
    export GF_AUTH_ANONYMOUS_ENABLED=true GF_AUTH_ANONYMOUS_ORG_ROLE=Viewer
    exec "${CMD[@]}" --homepath "$HOMEPATH"
    ;;
  *)
    echo "usage: grafana/run.sh [docker|local]" >&2
    exit 2
    ;;
esac
