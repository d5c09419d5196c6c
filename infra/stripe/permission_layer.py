#!/usr/bin/env python3
"""Local Stripe permission layer: Stripe's restricted-key checks in front of localstripe.

localstripe accepts any ``sk_`` key and knows no restricted keys. This proxy makes the local
Stripe answer a restricted key the way real Stripe does, so the product's second lock (Stripe's
own refusal) is exercised locally:

* the API key comes from ``Authorization: Bearer <key>`` or HTTP Basic (user = key);
* ``sk_…`` keys have full access; the restricted keys of the key config (``demo-keys.json``)
  have their ``rak_*`` permissions checked per route (a write permission implies the read one);
  a missing one answers Stripe's 403, an unknown key Stripe's 401 (keys always redacted);
  expanding an object (``expand[]=…coupon``) needs read permission on it too, as at Stripe;
* allowed calls are forwarded to localstripe with the upstream secret key;
* ``/v1/prices`` is served from localstripe's plans (it has no Prices API), and the ``plan``
  inside subscription items and invoice lines gets its ``price`` twin, as Stripe returns both;
* localstripe's subscriptions have no discounts: expansions of ``discounts`` are dropped before
  forwarding and each subscription gets Stripe's empty ``discounts`` list;
* test-only controls under ``/_layer/`` (no auth): injected faults, request statistics, and
  queued fixture responses.

One line per request goes to stderr: method, path, status and the key's purpose — never a key.

Usage::

    python permission_layer.py --port 22180 --upstream http://127.0.0.1:18420 \\
        --upstream-key sk_test_… --keys infra/stripe/demo-keys.json
"""

from __future__ import annotations

import argparse
import base64
import binascii
import collections
import dataclasses
import json
import logging
import re
import secrets
import sys
import time
from urllib.parse import parse_qsl, urlencode

import aiohttp
from aiohttp import web
from yarl import URL

LOG = logging.getLogger("stripe-permission-layer")

# Route table: the first path segment after /v1/ -> (rak_* slug stem, has write endpoints).
# GET needs rak_<stem>_read; POST and DELETE need rak_<stem>_write; a write permission implies
# the read one. Slug names were looked up, not guessed (2026-11-29):
# * Stripe's "API permissions reference" (docs: keys/permissions-reference) names each endpoint's
#   permission as <object>_read / <object>_write, e.g. connected_account_read for /v1/account;
#   Stripe's 403 message prefixes it with "rak_" ("Having the 'rak_event_read' permission would
#   allow this request to continue", quoted in Fivetran's Stripe troubleshooting docs, and
#   'rak_subscription_read' in a user report, tylerjrichards/st-paywall#36).
# * Prices keep the legacy slug rak_plan_read / rak_plan_write (the Dashboard row is "Prices";
#   rak_price_read is not a real slug and is silently ignored by the create-key form), noted in
#   PostHog's Stripe source settings and in several create-key links checked against the live
#   Dashboard. The same PostHog table: subscription items ride on the subscription permission,
#   invoice items on the invoice one, balance transactions need
#   rak_balance_transaction_source_read, events rak_event_read, payouts rak_payout_read.
# * rak_refund_read / rak_refund_write, rak_payment_intent_*, rak_coupon_*, rak_balance_read,
#   rak_customer_write, rak_charge_* appear in Stripe create-key links and in permission-probe
#   scripts that parse Stripe's real 403s.
# Resources not listed get rak_<singular>_read/_write, so an unknown resource is refused as
# missing an appropriately named permission.
RESOURCES: dict[str, tuple[str, bool]] = {
    "account": ("connected_account", True),
    "accounts": ("connected_account", True),
    "balance": ("balance", False),
    "balance_transactions": ("balance_transaction_source", False),
    "charges": ("charge", True),
    "coupons": ("coupon", True),
    "credit_notes": ("credit_note", True),
    "customers": ("customer", True),
    "disputes": ("dispute", True),
    "events": ("event", False),
    "invoiceitems": ("invoice", True),
    "invoices": ("invoice", True),
    "payment_intents": ("payment_intent", True),
    "payment_methods": ("payment_method", True),
    "payouts": ("payout", True),
    "plans": ("plan", True),
    "prices": ("plan", True),
    "products": ("product", True),
    "refunds": ("refund", True),
    "setup_intents": ("setup_intent", True),
    "subscription_items": ("subscription", True),
    "subscriptions": ("subscription", True),
    "tax_rates": ("tax_rate", True),
    "webhook_endpoints": ("webhook", True),
}

# Expanding an object needs read permission on it too (Stripe's permissions reference: "If you're
# expanding objects in the responses of your API requests, you must also request at least one
# corresponding permission for each API object you expand"). By the last field of an expand path;
# fields not listed (a subscription's discounts, say) ride on the permission of the request.
EXPANSIONS: dict[str, str] = {
    "coupon": "rak_coupon_read",
    "customer": "rak_customer_read",
    "charge": "rak_charge_read",
    "invoice": "rak_invoice_read",
    "latest_invoice": "rak_invoice_read",
    "product": "rak_product_read",
    "subscription": "rak_subscription_read",
}

# localstripe's subscriptions have no `discounts` (only the legacy `discount`, always null) and it
# answers 400 to an expand of a field it lacks. The layer drops those expansions and gives every
# subscription Stripe's `discounts: []` — what Stripe answers for a subscription without discounts.
UNSUPPORTED_EXPANSION = re.compile(r"(^|\.)discounts(\.|$)")

PERMISSION_SLUG = re.compile(r"^rak_[a-z0-9_]+_(read|write)$")
READ_METHODS = ("GET", "HEAD")
FORWARDED_HEADERS = ("Content-Type", "Accept", "Idempotency-Key", "Stripe-Version")
NO_KEY_MESSAGE = (
    "You did not provide an API key. You need to provide your API key in the Authorization"
    " header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See"
    " https://stripe.com/docs/api#authentication for details, or we can help at"
    " https://support.stripe.com/."
)
PUBLISHABLE_KEY_MESSAGE = (
    "This API call cannot be made with a publishable API key. Please use a secret API key."
    " You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys."
)
RATE_LIMIT_MESSAGE = (
    "Request rate limit exceeded. Learn more about rate limits here"
    " https://stripe.com/docs/rate-limits."
)
MAX_UPSTREAM_LIST = 1_000_000
# Form fields that name an existing object, in the order a create resolves them.
REFERENCE_FIELDS = (
    "charge",
    "payment_intent",
    "customer",
    "subscription",
    "invoice",
    "price",
    "plan",
    "product",
)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def singular(resource: str) -> str:
    if resource.endswith("ies"):
        return resource[:-3] + "y"
    if resource.endswith("s"):
        return resource[:-1]
    return resource


def required_permission(method: str, path: str) -> str | None:
    """The rak_* slug a request needs, or None when the route has no such method (a 404)."""
    resource = path.split("/")[2]
    stem, writable = RESOURCES.get(resource, (singular(resource), True))
    if method in READ_METHODS:
        return f"rak_{stem}_read"
    return f"rak_{stem}_write" if writable else None


def expansions(pairs: list[tuple[str, str]]) -> list[str]:
    """The expand paths of a query or form: ``expand[]=…`` or ``expand[0]=…``."""
    return [value for name, value in pairs if name == "expand" or name.startswith("expand[")]


def expansion_permissions(pairs: list[tuple[str, str]]) -> list[str]:
    """The rak_* read slugs the expansions of a request need, in order, without repeats."""
    needed: list[str] = []
    for path in expansions(pairs):
        slug = EXPANSIONS.get(path.split(".")[-1])
        if slug is not None and slug not in needed:
            needed.append(slug)
    return needed


def without_unsupported_expansions(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, value in pairs
        if not (
            (name == "expand" or name.startswith("expand["))
            and UNSUPPORTED_EXPANSION.search(value)
        )
    ]


def add_subscription_discounts(node: object) -> None:
    """Gives every subscription Stripe's ``discounts`` list, empty (localstripe has none)."""
    if isinstance(node, dict):
        for value in node.values():
            add_subscription_discounts(value)
        if node.get("object") == "subscription" and "discounts" not in node:
            node["discounts"] = []
    elif isinstance(node, list):
        for value in node:
            add_subscription_discounts(value)


def grants(permissions: frozenset[str], needed: str) -> bool:
    if needed in permissions:
        return True
    return needed.endswith("_read") and needed[: -len("_read")] + "_write" in permissions


def redact(key: str) -> str:
    """Redacts a key as Stripe's messages do: its prefix, one '*' per hidden character, the tail.

    Seen in real Stripe bodies: "rk_test_" + 93 '*' + the last 6 characters of a 107-character
    key; last 4 of shorter strings ("pi_1PiXF****…zlzo"). Nothing but prefix and tail is shown.
    """
    match = re.match(r"^(?:sk|rk|pk)_(?:test|live)_", key)
    prefix = match.group(0) if match else key[:3]
    tail = 6 if len(key) >= 100 else 4
    hidden = len(key) - len(prefix) - tail
    if hidden < 4:
        return prefix + "*" * max(len(key) - len(prefix), 4)
    return prefix + "*" * hidden + key[-tail:]


def stripe_error(
    status: int, message: str, kind: str = "invalid_request_error", **extra: str
) -> web.Response:
    error: dict[str, str] = {}
    error.update(extra)
    error["message"] = message
    error["type"] = kind
    return web.json_response({"error": error}, status=status)


def unrecognized_url(method: str, path: str) -> web.Response:
    return stripe_error(
        404,
        f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we"
        " can help at https://support.stripe.com/.",
    )


@dataclasses.dataclass(frozen=True)
class RestrictedKey:
    purpose: str
    key: str
    account: str
    permissions: frozenset[str]


@dataclasses.dataclass(frozen=True)
class Caller:
    """Who sent a request: ``label`` is the key's purpose, "secret" or "unknown"."""

    label: str
    key: str | None
    restricted: RestrictedKey | None = None

    @property
    def full_access(self) -> bool:
        return self.key is not None and self.key.startswith("sk_")


def load_keys(path: str) -> dict[str, RestrictedKey]:
    with open(path, encoding="utf-8") as f:
        config = json.load(f)
    keys: dict[str, RestrictedKey] = {}
    for purpose, entry in config["keys"].items():
        key = entry["key"]
        if not key.startswith("rk_"):
            raise ValueError(f"key config {path}: key '{purpose}' is not a restricted key (rk_…)")
        bad = [p for p in entry["permissions"] if not PERMISSION_SLUG.match(p)]
        if bad:
            raise ValueError(f"key config {path}: key '{purpose}' has malformed permissions {bad}")
        if not entry["account"].startswith("acct_"):
            raise ValueError(f"key config {path}: key '{purpose}' has no acct_… account")
        keys[key] = RestrictedKey(purpose, key, entry["account"], frozenset(entry["permissions"]))
    return keys


def api_key_of(request: web.Request) -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        return value or None
    if scheme.lower() == "basic":
        try:
            user = base64.b64decode(value, validate=True).decode("utf-8").split(":", 1)[0]
        except (binascii.Error, UnicodeDecodeError):
            return "invalid"
        return user or None
    return None


@dataclasses.dataclass
class Fault:
    status: int
    remaining: int
    path_prefix: str | None
    should_retry: bool | None

    def as_json(self) -> dict:
        return dataclasses.asdict(self)

    def response(self) -> web.Response:
        if self.status == 429:
            reply = stripe_error(429, RATE_LIMIT_MESSAGE, code="rate_limit")
        elif self.status >= 500:
            reply = stripe_error(
                self.status,
                "An unknown error occurred (fault injected by the local permission layer).",
                kind="api_error",
            )
        else:
            reply = stripe_error(
                self.status, f"HTTP {self.status} (fault injected by the local permission layer)."
            )
        if self.should_retry is not None:
            reply.headers["Stripe-Should-Retry"] = "true" if self.should_retry else "false"
        return reply


class Stats:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.total = 0
        self.per_key: collections.Counter[str] = collections.Counter()
        self.per_path: collections.Counter[str] = collections.Counter()
        self.per_status: collections.Counter[str] = collections.Counter()
        self.per_second: collections.Counter[str] = collections.Counter()

    def record(self, label: str, path: str, status: int, second: int) -> None:
        self.total += 1
        self.per_key[label] += 1
        self.per_path[path] += 1
        self.per_status[str(status)] += 1
        self.per_second[str(second)] += 1

    def as_json(self) -> dict:
        return {
            "total": self.total,
            "per_key": dict(self.per_key),
            "per_path": dict(self.per_path),
            "per_status": dict(self.per_status),
            "per_second": dict(sorted(self.per_second.items())),
            "max_per_second": max(self.per_second.values(), default=0),
        }


def plan_to_price(plan: dict) -> dict:
    """Stripe's Price shape for one of localstripe's plans (every plan is a recurring price)."""
    tiered = plan.get("billing_scheme") == "tiered"
    amount = None if tiered else plan.get("amount")
    return {
        "id": plan.get("id"),
        "object": "price",
        "active": plan.get("active", True),
        "billing_scheme": plan.get("billing_scheme", "per_unit"),
        "created": plan.get("created"),
        "currency": plan.get("currency"),
        "custom_unit_amount": None,
        "livemode": plan.get("livemode", False),
        "lookup_key": None,
        "metadata": plan.get("metadata") or {},
        "nickname": plan.get("nickname"),
        "product": plan.get("product"),
        "recurring": {
            "aggregate_usage": None,
            "interval": plan.get("interval"),
            "interval_count": plan.get("interval_count", 1),
            "meter": None,
            "trial_period_days": plan.get("trial_period_days"),
            "usage_type": plan.get("usage_type", "licensed"),
        },
        "tax_behavior": "unspecified",
        "tiers_mode": plan.get("tiers_mode"),
        "transform_quantity": None,
        "type": "recurring",
        "unit_amount": amount,
        "unit_amount_decimal": None if amount is None else str(amount),
    }


def add_price_twins(node: object) -> None:
    """Gives every subscription item and invoice line that carries a plan its ``price`` too."""
    if isinstance(node, dict):
        for value in node.values():
            add_price_twins(value)
        if (
            node.get("object") in ("subscription_item", "line_item")
            and isinstance(node.get("plan"), dict)
            and node.get("price") is None
        ):
            node["price"] = plan_to_price(node["plan"])
    elif isinstance(node, list):
        for value in node:
            add_price_twins(value)


class BadRequest(Exception):
    def __init__(self, message: str, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.param = param
        self.code = code

    def response(self, status: int = 400) -> web.Response:
        extra = {k: v for k, v in (("code", self.code), ("param", self.param)) if v}
        return stripe_error(status, str(self), **extra)


def parse_query(pairs: list[tuple[str, str]], allowed: set[str]) -> dict:
    """Stripe's bracket notation, one level deep: a[]=x (list), a[b]=x (dict), a=x."""
    params: dict = {}
    for name, value in pairs:
        match = re.match(r"^([^\[]+)(?:\[([^\]]*)\])?$", name)
        if not match or match.group(1) not in allowed:
            raise BadRequest(f"Received unknown parameter: {name}", param=name)
        base, sub = match.group(1), match.group(2)
        if sub is None:
            params[base] = value
        elif sub == "":
            params.setdefault(base, []).append(value)
        else:
            params.setdefault(base, {})[sub] = value
    return params


class PermissionLayer:
    def __init__(self, upstream: str, upstream_key: str, keys: dict[str, RestrictedKey]):
        self.upstream = upstream.rstrip("/")
        self.upstream_key = upstream_key
        self.keys = keys
        self.stats = Stats()
        self.faults: list[Fault] = []
        self.fixtures: dict[str, collections.deque] = {}
        self.session: aiohttp.ClientSession | None = None

    # ---- application wiring -------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_get("/_layer/stats", self.get_stats)
        app.router.add_post("/_layer/reset", self.reset)
        app.router.add_get("/_layer/faults", self.get_faults)
        app.router.add_post("/_layer/faults", self.add_fault)
        app.router.add_delete("/_layer/faults", self.clear_faults)
        app.router.add_get("/_layer/fixtures", self.get_fixtures)
        app.router.add_post("/_layer/fixtures", self.add_fixtures)
        app.router.add_delete("/_layer/fixtures", self.clear_fixtures)
        app.router.add_route("*", "/{tail:.*}", self.handle_api)
        app.on_startup.append(self._open_session)
        app.on_cleanup.append(self._close_session)
        return app

    async def _open_session(self, _app: web.Application) -> None:
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))

    async def _close_session(self, _app: web.Application) -> None:
        if self.session is not None:
            await self.session.close()

    # ---- test controls ------------------------------------------------------------------

    async def get_stats(self, _request: web.Request) -> web.Response:
        return web.json_response(self.stats.as_json())

    async def reset(self, _request: web.Request) -> web.Response:
        self.stats.reset()
        self.faults.clear()
        self.fixtures.clear()
        return web.json_response({"reset": True})

    async def get_faults(self, _request: web.Request) -> web.Response:
        return web.json_response({"faults": [f.as_json() for f in self.faults]})

    async def add_fault(self, request: web.Request) -> web.Response:
        try:
            spec = await request.json()
            status = spec["status"]
            count = spec.get("count", 1)
            prefix = spec.get("path_prefix")
            retry = spec.get("should_retry")
            require(type(status) is int and 400 <= status <= 599, "status: 400…599")
            require(type(count) is int and count >= 1, "count: a positive integer")
            require(
                prefix is None or (isinstance(prefix, str) and prefix.startswith("/")),
                "path_prefix: a path starting with /",
            )
            require(retry is None or isinstance(retry, bool), "should_retry: true or false")
        except (ValueError, KeyError, TypeError) as e:
            return web.json_response(
                {"error": f"expected {{status, count?, path_prefix?, should_retry?}}: {e}"},
                status=400,
            )
        self.faults.append(Fault(status, count, prefix, retry))
        return await self.get_faults(request)

    async def clear_faults(self, request: web.Request) -> web.Response:
        self.faults.clear()
        return await self.get_faults(request)

    async def get_fixtures(self, _request: web.Request) -> web.Response:
        return web.json_response({path: len(queue) for path, queue in self.fixtures.items()})

    async def add_fixtures(self, request: web.Request) -> web.Response:
        try:
            spec = await request.json()
            path, responses = spec["path"], spec["responses"]
            require(isinstance(path, str) and path.startswith("/v1/"), "path: a /v1/… path")
            require(isinstance(responses, list) and bool(responses), "responses: a non-empty list")
        except (ValueError, KeyError, TypeError) as e:
            return web.json_response({"error": f"expected {{path, responses}}: {e}"}, status=400)
        self.fixtures.setdefault(path, collections.deque()).extend(responses)
        return await self.get_fixtures(request)

    async def clear_fixtures(self, request: web.Request) -> web.Response:
        self.fixtures.clear()
        return await self.get_fixtures(request)

    # ---- the Stripe API -----------------------------------------------------------------

    def caller_of(self, request: web.Request) -> Caller:
        key = api_key_of(request)
        if key is None:
            return Caller("unknown", None)
        if key.startswith("sk_"):
            return Caller("secret", key)
        restricted = self.keys.get(key)
        if restricted is not None:
            return Caller(restricted.purpose, key, restricted)
        return Caller("unknown", key)

    async def handle_api(self, request: web.Request) -> web.StreamResponse:
        started = time.time()
        caller = self.caller_of(request)
        try:
            response = await self.answer(request, caller)
        except BadRequest as e:
            response = e.response()
        except aiohttp.ClientError as e:
            response = stripe_error(
                502,
                f"The local Stripe (localstripe) could not be reached: {type(e).__name__}.",
                kind="api_error",
            )
        except Exception:  # a bug here must still answer like Stripe, and be visible in the log
            LOG.exception("%s %s failed in the permission layer", request.method, request.path)
            response = stripe_error(500, "An unknown error occurred.", kind="api_error")
        response.headers["Request-Id"] = "req_" + secrets.token_hex(7)
        self.stats.record(caller.label, request.path, response.status, int(started))
        LOG.info(
            "%s %s %d %s %dms",
            request.method,
            request.path,
            response.status,
            caller.label,
            (time.time() - started) * 1000,
        )
        return response

    async def answer(self, request: web.Request, caller: Caller) -> web.StreamResponse:
        method, path = request.method, request.path
        if not path.startswith("/v1/") or len(path.split("/")) < 3 or not path.split("/")[2]:
            return unrecognized_url(method, path)

        if caller.key is None:
            return stripe_error(401, NO_KEY_MESSAGE)
        if caller.key.startswith("pk_"):
            return stripe_error(401, PUBLISHABLE_KEY_MESSAGE)
        if not caller.full_access and caller.restricted is None:
            return stripe_error(401, f"Invalid API Key provided: {redact(caller.key)}")

        fault = self.take_fault(path)
        if fault is not None:
            return fault.response()

        needed = required_permission(method, path)
        if needed is None:
            return unrecognized_url(method, path)
        restricted = caller.restricted
        if restricted is not None:
            body = await request.read() if method not in READ_METHODS else b""
            pairs = parse_qsl(request.rel_url.raw_query_string, keep_blank_values=True)
            pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
            for permission in [needed, *expansion_permissions(pairs)]:
                if not grants(restricted.permissions, permission):
                    return stripe_error(
                        403,
                        f"The provided key '{redact(restricted.key)}' does not have the required"
                        f" permissions for this endpoint on account '{restricted.account}'."
                        f" Having the '{permission}' permission would allow this request to"
                        " continue.",
                        code="more_permissions_required",
                    )

        queue = self.fixtures.get(path)
        if method in READ_METHODS and queue:
            return web.json_response(queue.popleft())

        if path == "/v1/prices" or path.startswith("/v1/prices/"):
            return await self.prices(request)
        return await self.forward(request)

    def take_fault(self, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.path_prefix is None or path.startswith(fault.path_prefix):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self.faults.remove(fault)
                return fault
        return None

    async def upstream_call(
        self,
        method: str,
        path: str,
        query: str = "",
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, str]:
        assert self.session is not None
        url = URL(self.upstream + path + ("?" + query if query else ""), encoded=True)
        sent = {"Authorization": "Bearer " + self.upstream_key}
        sent.update(headers or {})
        async with self.session.request(
            method, url, data=body if body else None, headers=sent, allow_redirects=False
        ) as reply:
            return reply.status, await reply.read(), reply.headers.get("Content-Type", "")

    async def forward(self, request: web.Request) -> web.Response:
        headers = {h: request.headers[h] for h in FORWARDED_HEADERS if h in request.headers}
        body = await request.read() if request.method not in READ_METHODS else None
        query = request.rel_url.raw_query_string
        query_pairs = parse_qsl(query, keep_blank_values=True)
        if expansions(query_pairs):
            query = urlencode(without_unsupported_expansions(query_pairs))
        if body:
            form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
            if expansions(form):
                body = urlencode(without_unsupported_expansions(form)).encode("utf-8")
        status, payload, content_type = await self.upstream_call(
            request.method, request.rel_url.raw_path, query, body, headers
        )
        if not content_type.startswith("application/json"):
            if status in (404, 405):
                return unrecognized_url(request.method, request.path)
            if status >= 500:
                return stripe_error(
                    500,
                    f"An unknown error occurred (localstripe answered HTTP {status}).",
                    kind="api_error",
                )
            return web.Response(
                status=status, body=payload, headers={"Content-Type": content_type or "text/plain"}
            )
        document = json.loads(payload)
        if status == 404:
            form = parse_qsl((body or b"").decode("utf-8", "replace"), keep_blank_values=True)
            self.describe_missing(document, request.path, dict(form))
        add_price_twins(document)
        add_subscription_discounts(document)
        return web.json_response(document, status=status)

    @staticmethod
    def describe_missing(document: dict, path: str, form: dict[str, str]) -> None:
        """Stripe's resource_missing shape for localstripe's bare 404 'Not Found'.

        The missing object is the one named in the path, else the first object a create refers
        to (``POST /v1/refunds charge=ch_…`` → "No such charge: 'ch_…'").
        """
        error = document.get("error")
        if not isinstance(error, dict):
            return
        error.setdefault("code", "resource_missing")
        if error.get("message") != "Not Found":
            return
        parts = path.split("/")
        if len(parts) >= 4 and parts[3]:
            error["message"] = f"No such {singular(parts[2])}: '{parts[3]}'"
            error.setdefault("param", "id")
            return
        for field in REFERENCE_FIELDS:
            if form.get(field):
                error["message"] = f"No such {field}: '{form[field]}'"
                error.setdefault("param", field)
                return

    # ---- /v1/prices from localstripe's plans -----------------------------------------------

    async def prices(self, request: web.Request) -> web.Response:
        parts = request.path.split("/")
        pairs = parse_qsl(request.rel_url.raw_query_string, keep_blank_values=True)
        if request.method in READ_METHODS and len(parts) == 3:
            return await self.list_prices(pairs)
        if request.method in READ_METHODS and len(parts) == 4:
            params = parse_query(pairs, {"expand"})
            price = await self.price(parts[3])
            await self.expand_products([price], "product" in params.get("expand", []))
            return web.json_response(price)
        if request.method == "POST" and len(parts) in (3, 4):
            form = parse_qsl((await request.read()).decode("utf-8"), keep_blank_values=True)
            return await self.write_price(parts[3] if len(parts) == 4 else None, form + pairs)
        return unrecognized_url(request.method, request.path)

    async def price(self, price_id: str) -> dict:
        status, payload, _ = await self.upstream_call("GET", f"/v1/plans/{price_id}")
        if status == 404:
            raise NotFound(f"No such price: '{price_id}'", param="id")
        if status != 200:
            raise BadRequest(f"localstripe answered HTTP {status} for plan '{price_id}'")
        return plan_to_price(json.loads(payload))

    async def list_prices(self, pairs: list[tuple[str, str]]) -> web.Response:
        params = parse_query(
            pairs,
            {
                "active",
                "created",
                "currency",
                "ending_before",
                "expand",
                "limit",
                "lookup_keys",
                "product",
                "recurring",
                "starting_after",
                "type",
            },
        )
        limit = self.limit_of(params.get("limit", "10"))
        status, payload, _ = await self.upstream_call(
            "GET", "/v1/plans", urlencode({"limit": MAX_UPSTREAM_LIST})
        )
        if status != 200:
            raise BadRequest(f"localstripe answered HTTP {status} listing plans")
        plans = json.loads(payload)["data"]
        # Stripe lists newest first; localstripe keeps insertion order (oldest first).
        prices = [plan_to_price(p) for p in reversed(plans)]
        prices.sort(key=lambda p: p["created"] or 0, reverse=True)
        prices = [p for p in prices if self.matches(p, params)]

        ids = [p["id"] for p in prices]
        if "starting_after" in params:
            start = self.position(ids, params["starting_after"], "starting_after") + 1
            page = prices[start : start + limit]
            has_more = len(prices) > start + limit
        elif "ending_before" in params:
            end = self.position(ids, params["ending_before"], "ending_before")
            page = prices[max(0, end - limit) : end]
            has_more = end - limit > 0
        else:
            page, has_more = prices[:limit], len(prices) > limit
        await self.expand_products(page, "data.product" in params.get("expand", []))
        return web.json_response(
            {"object": "list", "data": page, "has_more": has_more, "url": "/v1/prices"}
        )

    @staticmethod
    def limit_of(value: str) -> int:
        try:
            limit = int(value)
        except ValueError:
            raise BadRequest(f"Invalid integer: {value}", param="limit") from None
        if limit < 1:
            raise BadRequest("This value must be greater than or equal to 1.", param="limit")
        if limit > 100:
            raise BadRequest("This value must be less than or equal to 100.", param="limit")
        return limit

    @staticmethod
    def position(ids: list[str], price_id: str, param: str) -> int:
        if price_id not in ids:
            raise BadRequest(f"No such price: '{price_id}'", param=param, code="resource_missing")
        return ids.index(price_id)

    @staticmethod
    def matches(price: dict, params: dict) -> bool:
        if "active" in params and str(price["active"]).lower() != params["active"].lower():
            return False
        if "product" in params and price["product"] != params["product"]:
            return False
        if "currency" in params and price["currency"] != params["currency"].lower():
            return False
        if params.get("type", "recurring") != "recurring" or "lookup_keys" in params:
            return False  # every local price is recurring and has no lookup key
        recurring = params.get("recurring", {})
        for field in ("interval", "usage_type"):
            if field in recurring and price["recurring"][field] != recurring[field]:
                return False
        created = params.get("created")
        if isinstance(created, str):
            created = {"eq": created}
        for op, bound in (created or {}).items():
            compare = {
                "eq": int.__eq__,
                "gt": int.__gt__,
                "gte": int.__ge__,
                "lt": int.__lt__,
                "lte": int.__le__,
            }.get(op)
            if compare is None or not bound.lstrip("-").isdigit():
                raise BadRequest(f"Invalid created filter: created[{op}]", param="created")
            if not compare(price["created"], int(bound)):
                return False
        return True

    async def expand_products(self, prices: list[dict], expand: bool) -> None:
        if not expand:
            return
        products: dict[str, object] = {}
        for price in prices:
            product_id = price["product"]
            if isinstance(product_id, str) and product_id not in products:
                status, payload, _ = await self.upstream_call("GET", f"/v1/products/{product_id}")
                products[product_id] = json.loads(payload) if status == 200 else product_id
            price["product"] = products.get(product_id, product_id)

    async def write_price(self, price_id: str | None, form: list[tuple[str, str]]) -> web.Response:
        """Creates a price as a plan, or updates one (active, nickname and metadata only)."""
        plan_form: list[tuple[str, str]] = []
        expand = False
        recurring = False
        for name, value in form:
            if name.startswith("expand["):
                expand = expand or value == "product"
            elif name in ("active", "nickname") or name.startswith("metadata["):
                plan_form.append((name, value))
            elif price_id is not None:
                raise BadRequest(f"Received unknown parameter: {name}", param=name)
            elif name in ("currency", "product"):
                plan_form.append((name, value))
            elif name in ("unit_amount", "unit_amount_decimal"):
                if not re.fullmatch(r"\d+(\.0+)?", value):
                    raise BadRequest(
                        "The local Stripe supports whole-number unit amounts only.", param=name
                    )
                plan_form.append(("amount", value.split(".")[0]))
            elif name == "billing_scheme":
                if value != "per_unit":
                    raise BadRequest("The local Stripe supports per_unit prices only.", param=name)
            elif name == "tax_behavior":
                continue  # nothing to tax locally
            elif name.startswith("product_data["):
                plan_form.append(("product" + name[len("product_data") :], value))
            elif name in (
                "recurring[interval]",
                "recurring[interval_count]",
                "recurring[usage_type]",
                "recurring[trial_period_days]",
            ):
                recurring = True
                plan_form.append((name[len("recurring[") : -1], value))
            else:
                raise BadRequest(
                    f"Received unknown parameter: {name} (not supported by the local Stripe)",
                    param=name,
                )
        if price_id is None and not recurring:
            raise BadRequest(
                "The local Stripe supports recurring prices only: recurring[interval] is required.",
                param="recurring",
            )
        path = "/v1/plans" + (f"/{price_id}" if price_id else "")
        status, payload, content_type = await self.upstream_call(
            "POST",
            path,
            body=urlencode(plan_form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status == 404 and price_id is not None:
            raise NotFound(f"No such price: '{price_id}'", param="id")
        if status != 200 or not content_type.startswith("application/json"):
            document = json.loads(payload) if content_type.startswith("application/json") else {}
            error = document.get("error", {})
            return stripe_error(status, error.get("message", f"localstripe HTTP {status}"))
        price = plan_to_price(json.loads(payload))
        await self.expand_products([price], expand)
        return web.json_response(price)


class NotFound(BadRequest):
    def __init__(self, message: str, param: str | None = None):
        super().__init__(message, param=param, code="resource_missing")

    def response(self, status: int = 404) -> web.Response:
        return super().response(404)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--upstream", required=True, help="localstripe's base URL")
    parser.add_argument("--upstream-key", required=True, help="the sk_… key sent to localstripe")
    parser.add_argument("--keys", required=True, help="key config (demo-keys.json)")
    args = parser.parse_args(argv)
    if not args.upstream_key.startswith("sk_"):
        parser.error("--upstream-key must be a secret key (sk_…)")

    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        keys = load_keys(args.keys)
    except (OSError, ValueError, KeyError, TypeError) as e:
        parser.error(f"unusable key config {args.keys}: {type(e).__name__}: {e}")
    layer = PermissionLayer(args.upstream, args.upstream_key, keys)
    LOG.info(
        "listening on http://%s:%d, forwarding to %s, %d restricted keys",
        args.host,
        args.port,
        args.upstream,
        len(layer.keys),
    )
    web.run_app(layer.app(), host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
