"""moto's server, with the shared trims, in a process of its own (for benchmarks that measure their own
process's memory apart from moto's tables):

    python -m proxyhub_dev.local.moto_process --port 5000

Serves on 127.0.0.1 until SIGTERM or SIGINT; on the way out it prints how many internal errors moto
answered (`moto_trims.internal_errors`) to stderr.
"""

import argparse
import logging
import signal
import sys
import threading

from moto.server import ThreadedMotoServer

from proxyhub_dev.local.moto_trims import apply_moto_trims, internal_errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m proxyhub_dev.local.moto_process", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    # One access-log line per request is most of what a busy benchmark would print.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    apply_moto_trims()
    stop = threading.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, lambda *_: stop.set())
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    print(f"moto serving on 127.0.0.1:{args.port}", flush=True)
    stop.wait()
    server.stop()
    print(f"moto internal errors: {len(internal_errors())}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
