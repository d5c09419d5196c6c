"""Drives the MCP endpoint through the dev gateway with the official MCP Python SDK, as an agent would.

Run by McpClientIT (infra/local), which prepares the org, the charge and the tokens and checks the
side effects (one Stripe refund, one audit entry via mcp) afterwards. Input is one JSON object on
stdin:
  {"url": ".../mcp", "org": "org_...", "charge": "ch_...", "idempotency_key": "...",
   "tokens": {"owner": "...", "manager": "...", "operator": "...", "viewer": "...", "outsider": "..."}}
Output on stdout: one JSON report (what each role saw). Exit status 0 when every expectation held,
1 with the failures on stderr otherwise.
"""

import asyncio
import json
import sys

import httpx2
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

TOOLS = {
    "list_orgs",
    "get_summary",
    "search_customers",
    "get_customer",
    "list_subscriptions",
    "list_invoices",
    "list_charges",
    "refund_charge",
    "cancel_subscription",
    "update_subscription",
    "get_sync_status",
}

failures = []


def expect(condition, what):
    if not condition:
        failures.append(what)


def text_of(result):
    return "".join(block.text for block in result.content if getattr(block, "type", None) == "text")


async def as_user(url, token, work):
    headers = {"Authorization": "Bearer " + token}
    async with httpx2.AsyncClient(headers=headers, timeout=60) as http:
        async with streamable_http_client(url, http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                initialized = await session.initialize()
                return await work(session, initialized)


async def main(config):
    url, org, charge, key = config["url"], config["org"], config["charge"], config["idempotency_key"]
    tokens = config["tokens"]
    report = {}

    async def owner(session, initialized):
        tools = (await session.list_tools()).tools
        by_name = {tool.name: tool for tool in tools}
        expect(set(by_name) == TOOLS, f"owner: tools/list names {sorted(by_name)}")
        refund = by_name.get("refund_charge")
        expect(
            refund is not None and "idempotency_key" in refund.input_schema.get("required", []),
            "refund_charge requires idempotency_key in its input schema",
        )
        expect(
            refund is not None
            and refund.annotations.destructive_hint is True
            and refund.annotations.read_only_hint is False,
            "refund_charge is annotated destructive, not read-only",
        )
        summary_tool = by_name.get("get_summary")
        expect(
            summary_tool is not None and summary_tool.annotations.read_only_hint is True,
            "get_summary is annotated read-only",
        )
        orgs = await session.call_tool("list_orgs", {})
        summary = await session.call_tool("get_summary", {"org": org})
        expect(not summary.is_error, f"owner: get_summary is an error: {text_of(summary)}")
        expect(
            isinstance(summary.structured_content, dict) and "by_currency" in summary.structured_content,
            f"owner: get_summary has no by_currency: {summary.structured_content}",
        )
        return {
            "protocol_version": initialized.protocol_version,
            "server": initialized.server_info.name,
            "tools": sorted(by_name),
            "orgs": [m["org_id"] for m in (orgs.structured_content or {}).get("memberships", [])],
        }

    report["owner"] = await as_user(url, tokens["owner"], owner)
    expect(report["owner"]["protocol_version"] == "2025-06-18",
           f"negotiated {report['owner']['protocol_version']}, not 2025-06-18")
    expect(org in report["owner"]["orgs"], "owner: list_orgs does not name the org")

    def refund_args():
        return {"org": org, "charge": charge, "amount": 700, "idempotency_key": key}

    async def manager(session, _):
        first = await session.call_tool("refund_charge", refund_args())
        second = await session.call_tool("refund_charge", refund_args())
        for name, result in (("first", first), ("second", second)):
            expect(not result.is_error, f"manager: {name} refund is an error: {text_of(result)}")
        ids = [((r.structured_content or {}).get("refund") or {}).get("id") for r in (first, second)]
        expect(ids[0] is not None and ids[0] == ids[1], f"manager: the two answers name refunds {ids}")
        return {"refund_ids": ids}

    report["manager"] = await as_user(url, tokens["manager"], manager)

    def refused(role):
        async def work(session, _):
            result = await session.call_tool("refund_charge", refund_args() | {"idempotency_key": key + "-" + role})
            expect(result.is_error, f"{role}: refund_charge was not refused")
            expect(text_of(result).startswith("forbidden"), f"{role}: refusal text {text_of(result)!r}")
            summary = await session.call_tool("get_summary", {"org": org})
            expect(not summary.is_error, f"{role}: get_summary is an error: {text_of(summary)}")
            return {"refund": text_of(result).split(":")[0], "summary_error": summary.is_error}

        return work

    report["viewer"] = await as_user(url, tokens["viewer"], refused("viewer"))
    report["operator"] = await as_user(url, tokens["operator"], refused("operator"))

    async def outsider(session, _):
        orgs = await session.call_tool("list_orgs", {})
        memberships = (orgs.structured_content or {}).get("memberships", [])
        expect(all(m["org_id"] != org for m in memberships), "outsider: list_orgs names the org")
        summary = await session.call_tool("get_summary", {"org": org})
        expect(summary.is_error and text_of(summary).startswith("not_found"),
               f"outsider: get_summary answered {text_of(summary)!r}")
        refund = await session.call_tool("refund_charge", refund_args() | {"idempotency_key": key + "-outsider"})
        expect(refund.is_error and text_of(refund).startswith("not_found"),
               f"outsider: refund_charge answered {text_of(refund)!r}")
        return {"orgs": [m["org_id"] for m in memberships], "summary": text_of(summary).split(":")[0]}

    report["outsider"] = await as_user(url, tokens["outsider"], outsider)

    async def bad_calls(session, _):
        # Unknown tool and arguments outside the schema: JSON-RPC errors (-32602), not results.
        codes = {}
        for name, args in (("no_such_tool", {}), ("refund_charge", {"org": org, "charge": charge})):
            try:
                await session.call_tool(name, args)
                codes[name] = None
            except MCPError as error:
                codes[name] = error.code
        expect(codes == {"no_such_tool": -32602, "refund_charge": -32602}, f"bad calls answered {codes}")
        return codes

    report["bad_calls"] = await as_user(url, tokens["manager"], bad_calls)
    return report


if __name__ == "__main__":
    result = asyncio.run(main(json.load(sys.stdin)))
    print(json.dumps(result))
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)
