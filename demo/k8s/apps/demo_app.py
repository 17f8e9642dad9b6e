"""The demo apps of KubeSkippy for a real cluster: one script, one behaviour per app.

Every app is this file (mounted from the demo-app-script ConfigMap) run by python:3.12-alpine
with a mode and its knobs; the behaviours mirror the simulated cluster of `skippy demo`:

  leak        memory grows linearly from --start-mib at --mib-per-s until the OOM killer stops it
  oscillate   CPU use swings between --low and --high cores with a --period (a sine)
  crash       runs --after seconds, then exits 1 (a crash loop, once the kubelet backs off)
  random      exits 1 at random times, --crash-mean seconds apart on average (exponential)
  web         HTTP on --port: / answers 5xx for --error-rate of requests, /healthz fails
              (readiness) for --unhealthy-for seconds about every --unhealthy-every seconds,
              /metrics has http_requests_total; a client thread sends it --rps requests/s
  steady      holds --mib MiB and uses --cpu cores, nothing else

Options combine: `chaos-monkey-component` is `oscillate` with random crashes. Standard library
only; every allocation is written to, so it counts in the container's working set.
"""

import argparse
import math
import os
import random
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MIB = 1 << 20
_ballast = []


def log(message):
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def hold(nbytes):
    """Allocates nbytes and writes every page of them."""
    if nbytes > 0:
        _ballast.append(b"\x01" * int(nbytes))


def burn(load_at, stop=None):
    """Uses load_at(t) cores (0..1), duty-cycled in 100 ms slices, from a daemon thread."""

    def run():
        start = time.monotonic()
        while stop is None or not stop.is_set():
            t = time.monotonic() - start
            busy = max(0.0, min(1.0, load_at(t))) * 0.1
            until = time.monotonic() + busy
            while time.monotonic() < until:
                pass
            time.sleep(max(0.0, 0.1 - busy))

    threading.Thread(target=run, daemon=True).start()


def crash_later(seconds, why):
    """Exits the whole process with status 1 after `seconds`."""

    def run():
        time.sleep(seconds)
        print(f"{time.strftime('%H:%M:%S')} fatal: {why}", file=sys.stderr, flush=True)
        os._exit(1)

    threading.Thread(target=run, daemon=True).start()


def leak(args):
    hold(args.start_mib * MIB)
    log(f"leaking {args.mib_per_s} MiB/s from {args.start_mib} MiB")
    burn(lambda t: args.cpu)
    held, step, logged = float(args.start_mib), 1.0, time.monotonic()
    while True:
        time.sleep(step)
        hold(args.mib_per_s * step * MIB)
        held += args.mib_per_s * step
        if time.monotonic() - logged >= 30:
            log(f"holding {held:.0f} MiB")
            logged = time.monotonic()


def oscillate(args):
    hold(args.mib * MIB)
    mid, amp = (args.high + args.low) / 2, (args.high - args.low) / 2
    log(f"CPU {args.low}-{args.high} cores, period {args.period}s")
    burn(lambda t: mid + amp * math.sin(2 * math.pi * t / args.period))
    if args.crash_mean > 0:
        random_crashes(args.crash_mean)
    while True:
        time.sleep(60)


def random_crashes(mean):
    seconds = random.expovariate(1.0 / mean)
    log(f"next crash in {seconds:.0f}s")
    crash_later(seconds, "unexpected state, giving up")


def crash(args):
    hold(args.mib * MIB)
    log(f"starting; the database is unreachable, exiting after {args.after}s")
    crash_later(args.after, "cannot connect to the database")
    while True:
        time.sleep(60)


def random_crasher(args):
    hold(args.mib * MIB)
    burn(lambda t: args.cpu)
    random_crashes(args.crash_mean)
    while True:
        time.sleep(60)


def steady(args):
    hold(args.mib * MIB)
    log(f"steady: {args.mib} MiB, {args.cpu} cores")
    burn(lambda t: args.cpu)
    while True:
        time.sleep(60)


class Counters:
    lock = threading.Lock()
    requests = {}
    unhealthy_until = 0.0


class Handler(BaseHTTPRequestHandler):
    error_rate = 0.0

    def do_GET(self):
        if self.path == "/healthz":
            ready = time.monotonic() >= Counters.unhealthy_until
            self.answer(200 if ready else 503, "ok\n" if ready else "not ready\n")
        elif self.path == "/livez":
            self.answer(200, "ok\n")
        elif self.path == "/metrics":
            lines = ["# TYPE http_requests_total counter"]
            with Counters.lock:
                for code, n in sorted(Counters.requests.items()):
                    lines.append(f'http_requests_total{{code="{code}"}} {n}')
            self.answer(200, "\n".join(lines) + "\n", "text/plain; version=0.0.4")
        else:
            code = 500 if random.random() < Handler.error_rate else 200
            with Counters.lock:
                Counters.requests[code] = Counters.requests.get(code, 0) + 1
            self.answer(code, '{"status":"%s"}\n' % ("ok" if code == 200 else "error"))

    def answer(self, code, body, content_type="application/json"):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def web(args):
    hold(args.mib * MIB)
    Handler.error_rate = args.error_rate
    server = ThreadingHTTPServer(("0.0.0.0", args.port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log(f"serving on :{args.port}, {args.error_rate:.0%} errors, {args.rps} requests/s")

    def traffic():
        url = f"http://127.0.0.1:{args.port}/"
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).read()
            except Exception:  # a 5xx is an HTTPError: counted by the server already
                pass
            time.sleep(1.0 / args.rps)

    if args.rps > 0:
        threading.Thread(target=traffic, daemon=True).start()
    while True:
        if args.unhealthy_every > 0:
            time.sleep(random.expovariate(1.0 / args.unhealthy_every))
            log(f"not ready for {args.unhealthy_for}s")
            Counters.unhealthy_until = time.monotonic() + args.unhealthy_for
            time.sleep(args.unhealthy_for)
        else:
            time.sleep(60)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("mode", choices=["leak", "oscillate", "crash", "random", "web", "steady"])
    p.add_argument("--start-mib", type=float, default=96)
    p.add_argument("--mib-per-s", type=float, default=0.5)
    p.add_argument("--mib", type=float, default=32, help="memory held from the start")
    p.add_argument("--cpu", type=float, default=0.02, help="steady CPU use, cores")
    p.add_argument("--low", type=float, default=0.1)
    p.add_argument("--high", type=float, default=0.8)
    p.add_argument("--period", type=float, default=60)
    p.add_argument("--after", type=float, default=20)
    p.add_argument("--crash-mean", type=float, default=0, help="0: never crash at random")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--error-rate", type=float, default=0)
    p.add_argument("--rps", type=float, default=5)
    p.add_argument("--unhealthy-every", type=float, default=0, help="0: always ready")
    p.add_argument("--unhealthy-for", type=float, default=15)
    args = p.parse_args(argv)
    modes = {
        "leak": leak,
        "oscillate": oscillate,
        "crash": crash,
        "random": random_crasher,
        "web": web,
        "steady": steady,
    }
    modes[args.mode](args)


if __name__ == "__main__":
    main(sys.argv[1:])
