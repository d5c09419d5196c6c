"""moto's server, with DynamoDB's per-item atomicity and transactions that cost what they touch.

moto answers requests on many threads and does not lock its DynamoDB tables, so two concurrent
conditional writes of one item can both pass their condition — real DynamoDB never allows that,
and idempotency records, leases and the audit chain rely on it. This runs moto's own WSGI app
with DynamoDB requests taken one at a time (other services stay concurrent).

moto also backs up every table a TransactWriteItems names, by deep-copying the whole table once
per item, so each transaction costs the size of the table (our single table holds everything: a
seeded account made moto grow past 10 GB). Here a transaction backs up only the items it touches
and puts them back if it is cancelled; moto's own checks and writes are unchanged.

moto also parses a condition expression anew for every item it checks, three times per item of a
transaction (about a millisecond an item: most of what a page-sized transaction costs here, while
DynamoDB takes such a transaction in tens of milliseconds). Here a parse is kept and reused for
the same expression, names and values; moto's parsed conditions hold only what they were built
from, and evaluating one changes nothing. A parse that fails is not kept, so errors stay moto's.

A TransactWriteItems may hold 100 actions on AWS since September 2022; moto still refuses more
than the old 25. Here it takes up to 100, as AWS does (the sync writes a page in one transaction).

Usage: python moto_server.py [-H HOST] [-p PORT]
"""

import argparse
import os
import signal
import sys
import copy
import json
import threading

import moto.dynamodb.comparisons as dynamodb_comparisons
import moto.dynamodb.models as dynamodb_models
import moto.dynamodb.models.table as dynamodb_table
import moto.dynamodb.responses as dynamodb_responses
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


class _NoTableCopies:
    """Stands in for the copy module inside moto's DynamoDB models: tables are not copied."""

    def __getattr__(self, name):
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value, memo=None):
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _touched_items(backend, transact_items):
    """(table, key, attributes before or None) for each item a transaction names."""
    touched = []
    for entry in transact_items:
        if len(entry) != 1:
            continue
        op_type, op = next(iter(entry.items()))
        table = backend.tables.get(op.get("TableName"))
        if table is None:
            continue
        if op_type == "Put":
            attrs = op.get("Item", {})
            key = {table.hash_key_attr: attrs.get(table.hash_key_attr)}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = attrs.get(table.range_key_attr)
        else:
            key = op.get("Key") or {}
        if not key or None in key.values():
            continue
        try:
            current = backend.get_item(table.name, key)
        except Exception:  # moto reports a malformed key itself, with its own error
            continue
        touched.append((table.name, key, current.to_json()["Attributes"] if current else None))
    return touched


def _transact_write_items(original):
    def transact_write_items(self, transact_items):
        before = _touched_items(self, transact_items)
        try:
            return original(self, transact_items)
        except Exception:
            for table_name, key, attributes in reversed(before):
                if attributes is None:
                    if self.get_item(table_name, key) is not None:
                        self.delete_item(table_name, key)
                else:
                    self.put_item(table_name, attributes)
            raise

    return transact_write_items


_PARSES_KEPT = 10_000


def _reused_parses(parse):
    kept = {}

    def get_filter_expression(expr, names, values):
        if expr is None:
            return parse(expr, names, values)
        key = (expr, json.dumps(names, sort_keys=True), json.dumps(values, sort_keys=True))
        op = kept.get(key)
        if op is None:
            op = parse(expr, names, values)
            if len(kept) >= _PARSES_KEPT:
                kept.clear()
            kept[key] = op
        return op

    return get_filter_expression


def patch_transactions():
    """Called once, before serving (DynamoDB requests are serialised by DynamoDbOneAtATime).

    Also reuses parsed condition expressions, and raises moto's limit of actions per transaction
    to AWS's 100."""
    dynamodb_models.copy = _NoTableCopies()
    reused = _reused_parses(dynamodb_comparisons.get_filter_expression)
    for module in (dynamodb_comparisons, dynamodb_models, dynamodb_table):
        module.get_filter_expression = reused
    dynamodb_responses.TRANSACTION_MAX_ITEMS = 100
    DynamoDBBackend.transact_write_items = _transact_write_items(
        DynamoDBBackend.transact_write_items
    )


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

    patch_transactions()
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
