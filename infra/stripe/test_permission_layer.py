"""Tests of the Stripe permission layer against a fake localstripe (no network, no servers).

Run: .local/venv/bin/python -m unittest discover -s infra/stripe -p 'test_*.py'
"""

import base64
import json
import logging
import os
import unittest

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

import permission_layer as layer

KEYS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo-keys.json")
with open(KEYS_FILE, encoding="utf-8") as f:
    CONFIG = json.load(f)
SECRET = CONFIG["secret_key"]
KEY = {purpose: entry["key"] for purpose, entry in CONFIG["keys"].items()}
DEMO_ACCOUNT = "acct_1BillyDemo00000001"


class RouteTableTest(unittest.TestCase):
    def test_get_needs_read_and_writes_need_write(self):
        self.assertEqual(layer.required_permission("GET", "/v1/customers"), "rak_customer_read")
        self.assertEqual(
            layer.required_permission("POST", "/v1/customers/cus_1"), "rak_customer_write"
        )
        self.assertEqual(
            layer.required_permission("DELETE", "/v1/subscriptions/sub_1"),
            "rak_subscription_write",
        )

    def test_prices_use_the_legacy_plan_slug(self):
        self.assertEqual(layer.required_permission("GET", "/v1/prices"), "rak_plan_read")
        self.assertEqual(layer.required_permission("POST", "/v1/plans"), "rak_plan_write")

    def test_subscription_items_ride_on_subscriptions(self):
        self.assertEqual(
            layer.required_permission("POST", "/v1/subscription_items/si_1"),
            "rak_subscription_write",
        )

    def test_unknown_resource_needs_an_appropriately_named_permission(self):
        self.assertEqual(layer.required_permission("GET", "/v1/transfers"), "rak_transfer_read")
        self.assertEqual(layer.required_permission("POST", "/v1/quotes/qt_1"), "rak_quote_write")

    def test_read_only_resources_have_no_write_route(self):
        self.assertIsNone(layer.required_permission("POST", "/v1/events"))

    def test_write_implies_read_but_not_the_reverse(self):
        granted = frozenset({"rak_refund_write", "rak_charge_read"})
        self.assertTrue(layer.grants(granted, "rak_refund_read"))
        self.assertTrue(layer.grants(granted, "rak_charge_read"))
        self.assertFalse(layer.grants(granted, "rak_charge_write"))

    def test_every_configured_permission_is_a_slug(self):
        for entry in CONFIG["keys"].values():
            for permission in entry["permissions"]:
                self.assertRegex(permission, layer.PERMISSION_SLUG)


class RedactTest(unittest.TestCase):
    def test_keeps_prefix_and_last_four_and_the_length(self):
        key = "rk_test_abcdefghijklmnop1234"
        self.assertEqual(layer.redact(key), "rk_test_" + "*" * 16 + "1234")

    def test_long_keys_keep_their_last_six_as_stripe_shows_them(self):
        key = "rk_test_" + "x" * 93 + "0wwMmD"
        self.assertEqual(layer.redact(key), "rk_test_" + "*" * 93 + "0wwMmD")

    def test_short_keys_show_nothing_but_the_prefix(self):
        self.assertEqual(layer.redact("rk_test_ab"), "rk_test_****")


class FakeLocalStripe:
    """Records what reaches "localstripe" and answers like it."""

    def __init__(self):
        self.requests = []
        self.plans = [
            {
                "id": f"plan_{n}",
                "object": "plan",
                "active": n != 3,
                "amount": 1000 * n,
                "billing_scheme": "per_unit",
                "created": 1_700_000_000 + n,
                "currency": "usd",
                "interval": "month",
                "interval_count": 1,
                "livemode": False,
                "metadata": {},
                "nickname": None,
                "product": "prod_A" if n < 4 else "prod_B",
                "tiers_mode": None,
                "trial_period_days": None,
                "usage_type": "licensed",
            }
            for n in range(1, 6)
        ]

    def app(self):
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    async def handle(self, request):
        body = await request.read()
        self.requests.append(
            {
                "method": request.method,
                "raw_path": request.raw_path,
                "headers": dict(request.headers),
                "body": body.decode(),
            }
        )
        if request.path == "/v1/plans":
            return web.json_response({"object": "list", "data": self.plans, "has_more": False})
        if request.path.startswith("/v1/plans/"):
            plan = next((p for p in self.plans if p["id"] == request.path.split("/")[3]), None)
            if plan is None:
                return self.not_found()
            return web.json_response(plan)
        if request.path == "/v1/subscriptions/sub_1":
            return web.json_response(
                {
                    "id": "sub_1",
                    "object": "subscription",
                    "items": {
                        "object": "list",
                        "data": [
                            {"id": "si_1", "object": "subscription_item", "plan": self.plans[0]}
                        ],
                    },
                }
            )
        if request.path.startswith("/v1/customers/"):
            return self.not_found()
        if request.path == "/v1/customers":
            return web.json_response({"object": "list", "data": [], "has_more": False})
        return web.Response(status=404, text="404: Not Found")

    @staticmethod
    def not_found():
        return web.json_response(
            {"error": {"message": "Not Found", "type": "invalid_request_error"}}, status=404
        )


class PermissionLayerTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.upstream = FakeLocalStripe()
        self.upstream_server = TestServer(self.upstream.app())
        await self.upstream_server.start_server()
        proxy = layer.PermissionLayer(
            str(self.upstream_server.make_url("")), SECRET, layer.load_keys(KEYS_FILE)
        )
        self.client = TestClient(TestServer(proxy.app()))
        await self.client.start_server()

    async def asyncTearDown(self):
        await self.client.close()
        await self.upstream_server.close()

    async def call(self, method, path, key=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if key is not None:
            headers["Authorization"] = "Bearer " + key
        response = await self.client.request(method, path, headers=headers, **kwargs)
        return response.status, await response.json()

    async def test_allowed_call_is_forwarded_with_the_upstream_key_and_stripe_headers(self):
        status, body = await self.call(
            "GET",
            "/v1/customers?limit=3&email=a%2Bb%26c@d.test",
            KEY["viewer"],
            headers={"Stripe-Version": "2026-07-29.dahlia", "Idempotency-Key": "idem-1"},
        )

        self.assertEqual((status, body["object"]), (200, "list"))
        sent = self.upstream.requests[-1]
        self.assertEqual(sent["raw_path"], "/v1/customers?limit=3&email=a%2Bb%26c@d.test")
        self.assertEqual(sent["headers"]["Authorization"], "Bearer " + SECRET)
        self.assertEqual(sent["headers"]["Stripe-Version"], "2026-07-29.dahlia")
        self.assertEqual(sent["headers"]["Idempotency-Key"], "idem-1")

    async def test_basic_auth_carries_the_key_as_user(self):
        basic = base64.b64encode((KEY["viewer"] + ":").encode()).decode()
        response = await self.client.get(
            "/v1/customers", headers={"Authorization": "Basic " + basic}
        )
        self.assertEqual(response.status, 200)

    async def test_missing_permission_is_stripes_403_and_nothing_is_forwarded(self):
        status, body = await self.call(
            "POST", "/v1/customers", KEY["viewer"], data={"email": "x@y.test"}
        )

        self.assertEqual(status, 403)
        self.assertEqual(
            body,
            {
                "error": {
                    "code": "more_permissions_required",
                    "message": "The provided key '"
                    + layer.redact(KEY["viewer"])
                    + "' does not have the required permissions for this endpoint on account '"
                    + DEMO_ACCOUNT
                    + "'. Having the 'rak_customer_write' permission would allow this request"
                    " to continue.",
                    "type": "invalid_request_error",
                }
            },
        )
        self.assertEqual(self.upstream.requests, [])

    async def test_foreign_key_names_its_own_account(self):
        _, body = await self.call("GET", "/v1/refunds", KEY["foreign"])
        self.assertIn("on account 'acct_1BillyOther00000002'", body["error"]["message"])

    async def test_unknown_key_is_401_and_never_echoed(self):
        unknown = "rk_test_notAKeyOfOurs00000000000000abcd"
        with self.assertLogs("stripe-permission-layer", logging.INFO) as logs:
            status, body = await self.call("GET", "/v1/customers", unknown)

        self.assertEqual(status, 401)
        self.assertEqual(
            body["error"]["message"], "Invalid API Key provided: " + layer.redact(unknown)
        )
        self.assertNotIn(unknown, json.dumps(body))
        self.assertEqual(len(logs.output), 1)
        self.assertRegex(logs.output[0], r"GET /v1/customers 401 unknown \d+ms$")
        self.assertNotIn(unknown, "".join(logs.output))

    async def test_secret_key_has_full_access(self):
        status, _ = await self.call("GET", "/v1/subscriptions/sub_1", SECRET)
        self.assertEqual(status, 200)

    async def test_missing_object_gets_stripes_resource_missing(self):
        status, body = await self.call(
            "POST", "/v1/customers/cus_missing", KEY["overscoped"], data={"name": "x"}
        )
        self.assertEqual(status, 404)
        self.assertEqual(body["error"]["code"], "resource_missing")
        self.assertEqual(body["error"]["message"], "No such customer: 'cus_missing'")

    async def test_prices_are_plans_in_stripes_price_shape_newest_first(self):
        status, body = await self.call(
            "GET", "/v1/prices?product=prod_A&active=true&limit=1", KEY["sync"]
        )

        self.assertEqual(status, 200)
        self.assertTrue(body["has_more"])
        price = body["data"][0]
        self.assertEqual(price["id"], "plan_2")  # plan_3 is inactive, plan_4/5 are prod_B
        self.assertEqual(price["object"], "price")
        self.assertEqual(price["unit_amount"], 2000)
        self.assertEqual(price["type"], "recurring")
        self.assertEqual(price["recurring"]["interval"], "month")
        self.assertIsNone(price["lookup_key"])

        _, page2 = await self.call(
            "GET",
            "/v1/prices?product=prod_A&active=true&limit=1&starting_after=plan_2",
            KEY["sync"],
        )
        self.assertEqual([p["id"] for p in page2["data"]], ["plan_1"])
        self.assertFalse(page2["has_more"])

    async def test_price_lookup_of_a_missing_id_is_resource_missing(self):
        status, body = await self.call("GET", "/v1/prices/plan_nope", KEY["sync"])
        self.assertEqual(status, 404)
        self.assertEqual(body["error"]["message"], "No such price: 'plan_nope'")

    async def test_subscription_items_get_their_price_twin(self):
        _, body = await self.call("GET", "/v1/subscriptions/sub_1", KEY["viewer"])
        item = body["items"]["data"][0]
        self.assertEqual(item["price"]["id"], "plan_1")
        self.assertEqual(item["price"]["unit_amount"], 1000)

    async def test_expanding_an_object_needs_read_permission_on_it(self):
        status, body = await self.call(
            "GET",
            "/v1/subscriptions/sub_1?expand[]=discounts.source.coupon",
            KEY["viewer"],
        )
        self.assertEqual(status, 200)

        forwarded = len(self.upstream.requests)
        status, body = await self.call(
            "GET", "/v1/charges?expand[]=data.customer", KEY["manager"]
        )
        self.assertEqual(status, 403)
        self.assertIn("Having the 'rak_customer_read' permission", body["error"]["message"])
        self.assertEqual(len(self.upstream.requests), forwarded, "nothing forwarded")

    async def test_a_form_expansion_is_checked_like_a_query_one(self):
        status, body = await self.call(
            "POST",
            "/v1/refunds",
            KEY["manager"],
            data={"charge": "ch_1", "expand[]": "charge.customer"},
        )
        self.assertEqual(status, 403)
        self.assertIn("'rak_customer_read'", body["error"]["message"])

    async def test_discount_expansions_are_dropped_and_subscriptions_get_empty_discounts(self):
        status, body = await self.call(
            "GET",
            "/v1/subscriptions/sub_1?expand%5B%5D=discounts.source.coupon&expand[]=customer",
            KEY["sync"],
        )

        self.assertEqual(status, 200)
        self.assertEqual(body["discounts"], [])
        self.assertEqual(
            self.upstream.requests[-1]["raw_path"], "/v1/subscriptions/sub_1?expand%5B%5D=customer"
        )

    async def test_fault_answers_the_next_matching_requests_then_clears(self):
        await self.client.post(
            "/_layer/faults",
            json={"status": 503, "count": 1, "path_prefix": "/v1/customers", "should_retry": True},
        )

        other = await self.client.get(
            "/v1/subscriptions/sub_1", headers={"Authorization": "Bearer " + SECRET}
        )
        faulted = await self.client.get(
            "/v1/customers", headers={"Authorization": "Bearer " + SECRET}
        )
        after = await self.client.get(
            "/v1/customers", headers={"Authorization": "Bearer " + SECRET}
        )

        self.assertEqual(other.status, 200)
        self.assertEqual(faulted.status, 503)
        self.assertEqual(faulted.headers["Stripe-Should-Retry"], "true")
        self.assertEqual((await faulted.json())["error"]["type"], "api_error")
        self.assertEqual(after.status, 200)

    async def test_malformed_fault_is_refused(self):
        response = await self.client.post("/_layer/faults", json={"status": 200})
        self.assertEqual(response.status, 400)
        self.assertEqual((await (await self.client.get("/_layer/faults")).json())["faults"], [])

    async def test_rate_limit_fault_has_stripes_code(self):
        await self.client.post("/_layer/faults", json={"status": 429})
        status, body = await self.call("GET", "/v1/customers", KEY["viewer"])
        self.assertEqual((status, body["error"]["code"]), (429, "rate_limit"))

    async def test_fixtures_answer_in_order_after_the_permission_check(self):
        pages = [{"object": "list", "data": [{"id": "evt_1"}], "has_more": True}, {"data": []}]
        await self.client.post("/_layer/fixtures", json={"path": "/v1/events", "responses": pages})

        denied, _ = await self.call("GET", "/v1/events", KEY["viewer"])
        first = await self.call("GET", "/v1/events?created[gte]=1", KEY["sync"])
        second = await self.call("GET", "/v1/events", KEY["sync"])

        self.assertEqual(denied, 403)
        self.assertEqual(first, (200, pages[0]))
        self.assertEqual(second, (200, pages[1]))

    async def test_stats_count_per_key_path_and_second(self):
        await self.call("GET", "/v1/customers", KEY["viewer"])
        await self.call("GET", "/v1/customers", SECRET)
        await self.call("GET", "/v1/customers", "rk_test_unknown0000")

        stats = await (await self.client.get("/_layer/stats")).json()

        self.assertEqual(stats["total"], 3)
        self.assertEqual(stats["per_key"], {"viewer": 1, "secret": 1, "unknown": 1})
        self.assertEqual(stats["per_path"], {"/v1/customers": 3})
        self.assertEqual(sum(stats["per_second"].values()), 3)
        self.assertEqual(stats["max_per_second"], max(stats["per_second"].values()))

        await self.client.post("/_layer/reset")
        self.assertEqual((await (await self.client.get("/_layer/stats")).json())["total"], 0)


if __name__ == "__main__":
    unittest.main()
