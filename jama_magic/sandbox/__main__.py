"""``python -m jama_magic.sandbox``: run the sandbox in the foreground.

Prints the URL and the (random, per-run) credentials of this local dev server,
then serves until Ctrl-C or SIGTERM. ``--latency`` is in milliseconds here,
while ``Sandbox(latency=...)`` takes seconds.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from jama_magic.sandbox.server import Sandbox


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m jama_magic.sandbox", description="Run a Jama-compatible REST sandbox."
    )
    parser.add_argument("--port", type=int, default=8765, help="port (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--latency", type=float, default=0.0, help="latency per request, ms")
    parser.add_argument("--rate-limit", type=float, default=None, help="requests/s (429 above)")
    parser.add_argument(
        "--retry-after", type=float, default=None, help="seconds to put in Retry-After on 429s"
    )
    parser.add_argument("--items", type=int, default=None, help="number of items (default 500)")
    parser.add_argument("--seed", type=int, default=0, help="dataset seed")
    parser.add_argument("--username", default="sandbox")
    parser.add_argument("--password", default=None, help="default: random")
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="accept /relationships without lastId and a raw + in datetimes (old clients)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Start the sandbox, print how to reach it, wait for Ctrl-C."""
    args = parse_args(argv)
    try:
        sandbox = Sandbox(
            port=args.port,
            host=args.host,
            latency=args.latency / 1000,
            rate_limit=args.rate_limit,
            retry_after=args.retry_after,
            items=args.items,
            seed=args.seed,
            username=args.username,
            password=args.password,
            lenient=args.lenient,
        ).start()
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    print(f"Jama sandbox running at {sandbox.url}/rest/latest/", flush=True)
    # A local dev server printing its own throwaway credentials is the point here.
    print(
        f"  username:      {sandbox.username}\n  password:      {sandbox.password}\n"
        f"  client id:     {sandbox.client_id}\n  client secret: {sandbox.client_secret}\n"
        "Press Ctrl-C to stop.",
        flush=True,
    )
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
        print("Sandbox stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
