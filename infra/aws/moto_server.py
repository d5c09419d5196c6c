"""moto's server, with DynamoDB's per-item atomicity.

moto answers requests on many threads and does not lock its DynamoDB tables, so two concurrent
conditional writes of one item can both pass their condition — real DynamoDB never allows that,
and idempotency records, leases and the audit chain rely on it. This runs moto's own WSGI app
with DynamoDB requests taken one at a time (other services stay concurrent).

Usage: python moto_server.py [-H HOST] [-p PORT]
"""

import argparse
import os
import signal
import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


class DynamoDbOneAtATime:
    """WSGI middleware: DynamoDB calls run under one lock, their whole response included."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            return self.app(environ, start_response)
        with self.lock:
            return list(self.app(environ, start_response))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        args.host,
        args.port,
        DynamoDbOneAtATime(app),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
