#!/usr/bin/env python3
"""Starts localstripe on 127.0.0.1 with an empty, memory-only store.

localstripe 1.15.10 persists its whole store with pickle to the fixed file
/tmp/localstripe.pickle: ``Store.__setitem__``/``__delitem__`` call ``dump_to_disk()`` on every
insert and delete (localstripe/resources.py, lines 54-60), and ``save_store_middleware`` dumps
again after every POST/PUT/DELETE (localstripe/server.py, lines 193-199) — even with
``--from-scratch``, which only skips the load. Each dump rewrites everything (quadratic in the
data) and every instance on the machine shares the file. Its own ``start()`` also binds all
interfaces (``::``). This wrapper turns both dump and load into no-ops and serves localstripe's
app on the given host and port.

Usage: python localstripe_server.py --port 18420 [--host 127.0.0.1]
"""

import argparse
import logging
import sys

from aiohttp import web
from localstripe import resources


def _no_persistence(_store: resources.Store) -> None:
    """Replaces Store.dump_to_disk and Store.try_load_from_disk: the store lives in memory."""


resources.Store.dump_to_disk = _no_persistence
resources.Store.try_load_from_disk = _no_persistence

from localstripe import server  # noqa: E402  (imported after the patch on purpose)


def main() -> None:
    parser = argparse.ArgumentParser(description="localstripe without pickle persistence")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    resources.store.clear()
    access = logging.getLogger("aiohttp.access")
    access.setLevel(logging.INFO)
    access.addHandler(logging.StreamHandler(sys.stderr))
    print(f"localstripe (memory only) on http://{args.host}:{args.port}", file=sys.stderr)
    web.run_app(server.app, host=args.host, port=args.port, access_log=access, print=None)


if __name__ == "__main__":
    main()
