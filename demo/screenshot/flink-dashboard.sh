#!/usr/bin/env bash
# Screenshot of the Flink web dashboard with the KubeSkippy job RUNNING, by headless Chromium
# (playwright-core driving the system's Chromium): the job's overview page with its pipeline graph.
#
#   demo/screenshot/flink-dashboard.sh [URL] [OUT.png]
#
# URL defaults to http://localhost:8081 (the dashboard of `./skippy demo` and `./skippy job`),
# OUT.png to docs/flink-dashboard.png. Waits at most TIMEOUT_SECONDS (default 90) for a RUNNING
# job, then exits 1 saying what the dashboard has instead. Other knobs (environment): CHROMIUM
# (default /usr/bin/chromium), JOB_NAME, WIDTH and HEIGHT (default 1600 x 1000).
# Needs Node.js 20+ and Chromium (Debian: apt-get install -y chromium); playwright-core is
# installed from package-lock.json into demo/screenshot/node_modules on first use.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

usage() {
  echo "usage: $0 [URL] [OUT.png]   (defaults: http://localhost:8081 $ROOT/docs/flink-dashboard.png)"
}

if [[ $# -gt 2 ]]; then
  usage >&2
  exit 2
fi
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  usage
  exit 0
fi
URL="${1:-http://localhost:8081}"
OUT="${2:-$ROOT/docs/flink-dashboard.png}"

export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  echo "flink-dashboard: no Chromium at $CHROMIUM; install it (Debian: apt-get install -y chromium) or set CHROMIUM" >&2
  exit 1
fi
if ! command -v node >/dev/null 2>&1; then
  echo "flink-dashboard: node is not on PATH; Node.js 20 or newer is needed" >&2
  exit 1
fi
NODE_MAJOR="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$NODE_MAJOR" -lt 20 ]]; then
  echo "flink-dashboard: Node.js $(node --version) is too old; 20 or newer is needed" >&2
  exit 1
fi
if [[ ! -f "$HERE/node_modules/playwright-core/package.json" ]]; then
  echo "flink-dashboard: installing playwright-core (npm ci in $HERE)..." >&2
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

exec node "$HERE/flink-dashboard.js" "$URL" "$OUT"
