"""``python -m deploy``: N replicas of the app behind nginx, until Ctrl-C (or SIGTERM)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from deploy import Deployment, default_replicas


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy",
        description="Serve the app from N Streamlit replicas behind nginx (session affinity by cookie).",
    )
    parser.add_argument(
        "--replicas", "-n", type=int, default=default_replicas(),
        help="Streamlit processes to run (default: one per CPU this process may use, %(default)s here)",
    )  # fmt: skip
    parser.add_argument("--port", "-p", type=int, default=8080, help="port nginx listens on (default 8080)")
    parser.add_argument(
        "--host", default="0.0.0.0",
        help="address nginx listens on (default 0.0.0.0: every interface, so students can reach it)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    deployment = Deployment(
        replicas=args.replicas, port=args.port, host=args.host, log=True, keep_runtime=True
    )
    try:
        deployment.start()
        print("Press Ctrl-C to stop.", flush=True)
        while not done.wait(1):
            deployment.check()
    except (RuntimeError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        print("stopping nginx and the replicas...", flush=True)
        deployment.stop()
        print("stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
