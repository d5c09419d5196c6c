// The dashboard in a real browser against the local stack: what each role sees, the refund end to
// end (once, even on a double click), the second lock seen from the browser, and key onboarding.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { api, idToken, launch, orgId, scanTable, screenshot, secretValues, signedIn, stack, user } from "./harness.mjs";

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const nav = (page) => page.getByRole("navigation", { name: "Team pages" });
const go = (page, path) => page.goto(`${process.env.WEB_URL ?? stack.web_url}/#/orgs/${orgId}/${path}`);

async function allAudit(token) {
  const entries = [];
  let cursor = null;
  do {
    const page = await api(token, "GET", `/orgs/${orgId}/audit?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    assert.equal(page.status, 200);
    entries.push(...page.body.data);
    cursor = page.body.has_more ? page.body.next_cursor : null;
  } while (cursor);
  return entries;
}

describe("what each role sees", () => {
  test("the owner lands on the summary, with every page and the chart", async () => {
    const { context, page, problems } = await signedIn(browser, "owner");
    await page.getByTestId("summary").waitFor();
    assert.equal(await page.getByTestId("role").textContent(), "owner");
    assert.match(await page.getByTestId("mrr-usd").textContent(), /\$[\d,]+\.\d\d/);
    assert.ok((await page.locator("figure.chart svg").count()) >= 2, "the summary draws its charts");
    for (const label of ["Summary", "Customers", "Subscriptions", "Invoices", "Charges", "Refunds", "Products", "Sync", "Keys", "Team", "Audit log"]) {
      assert.equal(await nav(page).getByRole("link", { name: label, exact: true }).count(), 1, label);
    }
    await screenshot(page, "summary");
    await go(page, "keys");
    await page.getByTestId("key-requirements").waitFor();
    await page.locator(".key-card").nth(3).waitFor(); // the keys load apart from the requirements
    assert.equal(await page.locator("form.inline-form input[type=password]").count(), 5, "a connect form per purpose (4) and the webhook secret");
    await screenshot(page, "keys");
    await go(page, "team");
    await page.getByTestId("members-table").waitFor();
    assert.equal(await page.getByRole("button", { name: "Invite" }).count(), 1);
    await screenshot(page, "team");
    await go(page, "audit");
    await page.getByTestId("audit-table").waitFor();
    await page.getByRole("button", { name: "Verify the chain" }).click();
    assert.match(await page.getByTestId("audit-verify").textContent(), /The chain is intact: \d+ entries/);
    await screenshot(page, "audit");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a manager can refund, change subscriptions and sync, but not run keys, team or audit", async () => {
    const { context, page, problems } = await signedIn(browser, "manager");
    await page.getByTestId("summary").waitFor();
    assert.equal(await nav(page).getByRole("link", { name: "Audit log" }).count(), 0);
    await go(page, "charges");
    await page.getByTestId("charges-table").waitFor();
    assert.ok((await page.getByRole("button", { name: "Refund" }).count()) > 0, "refund buttons on succeeded charges");
    await screenshot(page, "charges");
    await go(page, "subscriptions");
    await page.getByTestId("subscriptions-table").waitFor();
    assert.ok((await page.getByRole("button", { name: "Cancel" }).count()) > 0);
    await screenshot(page, "subscriptions");
    await go(page, "sync");
    await page.getByTestId("sync-status").waitFor();
    assert.equal(await page.getByRole("button", { name: /Sync now|Syncing/ }).count(), 1);
    await screenshot(page, "sync");
    await go(page, "keys");
    await page.getByTestId("key-requirements").waitFor();
    await page.locator(".key-card").nth(3).waitFor(); // the keys load apart from the requirements
    assert.equal(await page.locator("input[type=password]").count(), 0, "no connect form for a manager");
    await go(page, "team");
    await page.getByTestId("members-table").waitFor();
    assert.equal(await page.getByRole("button", { name: "Invite" }).count(), 0);
    await go(page, "audit");
    await page.getByRole("alert").waitFor();
    assert.equal(await page.getByTestId("audit-table").count(), 0, "no audit log for a manager");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("an operator changes subscriptions but sees no refund, cancel or sync button", async () => {
    const { context, page, problems } = await signedIn(browser, "operator");
    await page.getByTestId("summary").waitFor();
    assert.equal(await page.getByTestId("role").textContent(), "operator");
    await go(page, "subscriptions");
    await page.getByTestId("subscriptions-table").waitFor();
    assert.ok((await page.getByRole("button", { name: "Change", exact: true }).count()) > 0, "change buttons on live subscriptions");
    assert.equal(await page.getByRole("button", { name: "Cancel", exact: true }).count(), 0, "no cancel for an operator");
    await go(page, "charges");
    await page.getByTestId("charges-table").waitFor();
    assert.equal(await page.getByRole("button", { name: "Refund", exact: true }).count(), 0, "no refund for an operator");
    await go(page, "sync");
    await page.getByTestId("sync-status").waitFor();
    assert.equal(await page.getByRole("button", { name: /Sync now/ }).count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a viewer reads everything and sees no button that changes anything", async () => {
    const { context, page, problems } = await signedIn(browser, "viewer");
    await page.getByTestId("summary").waitFor();
    assert.equal(await nav(page).getByRole("link", { name: "Audit log" }).count(), 0);
    for (const list of ["charges", "subscriptions"]) {
      await go(page, list);
      await page.getByTestId(`${list}-table`).waitFor();
      assert.equal(await page.getByRole("button", { name: /^(Refund|Change|Cancel)$/ }).count(), 0, list);
    }
    await go(page, "customers");
    await page.getByTestId("customers-table").waitFor();
    await page.getByTestId("customers-table").locator("tbody tr a").first().click();
    await page.getByTestId("customer-charges").or(page.getByText("No charges.")).first().waitFor();
    assert.equal(await page.getByRole("button", { name: /^(Refund|Change|Cancel)$/ }).count(), 0, "customer view");
    await screenshot(page, "customer");
    await go(page, "sync");
    await page.getByTestId("sync-status").waitFor();
    assert.equal(await page.getByRole("button", { name: /Sync now/ }).count(), 0);
    await go(page, "keys");
    await page.getByTestId("key-requirements").waitFor();
    await page.locator(".key-card").nth(3).waitFor(); // the keys load apart from the requirements
    assert.equal(await page.locator("input[type=password]").count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("someone in no team is offered to create or join one, and sees no other team", async () => {
    const { context, page } = await signedIn(browser, "outsider");
    await page.getByText("You are not in a team yet").waitFor();
    await go(page, "summary");
    await page.getByRole("link", { name: "Choose a team" }).waitFor();
    assert.equal(await page.getByTestId("summary").count(), 0);
    await context.close();
  });

  test("an expired ID token is renewed with the refresh token, and sign-out forgets the session", async () => {
    const { context, page } = await signedIn(browser, "viewer");
    await page.getByTestId("summary").waitFor();
    const before = await page.evaluate(() => JSON.parse(sessionStorage.getItem("agent-billy.session")));
    await page.waitForTimeout(1100); // tokens are stamped to the second: the renewed one differs
    await page.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem("agent-billy.session"));
      sessionStorage.setItem("agent-billy.session", JSON.stringify({ ...s, expiresAt: Date.now() - 1000 }));
    });
    await page.reload();
    await page.getByTestId("summary").waitFor();
    const after = await page.evaluate(() => JSON.parse(sessionStorage.getItem("agent-billy.session")));
    assert.notEqual(after.idToken, before.idToken, "a new ID token");
    assert.ok(after.expiresAt > Date.now(), "that has not expired");
    assert.equal(await page.evaluate(() => localStorage.length), 0, "nothing in localStorage");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem("agent-billy.session")), null);
    await context.close();
  });

  test("at phone width the navigation folds into a menu", async () => {
    const { context, page } = await signedIn(browser, "manager", { width: 390, height: 844 });
    await page.getByTestId("summary").waitFor();
    assert.equal(await nav(page).getByRole("link", { name: "Charges" }).isVisible(), false);
    await page.getByRole("button", { name: "Menu" }).click();
    assert.equal(await nav(page).getByRole("link", { name: "Charges" }).isVisible(), true);
    await page.getByRole("button", { name: "Menu" }).click();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling at phone width (page is ${width}px wide)`);
    await screenshot(page, "summary-phone");
    await context.close();
  });
});

describe("refunds", () => {
  test("a manager's refund, double-clicked, refunds once: the mirror and the audit log show it once", async () => {
    const ownerToken = await idToken(user("owner").username, user("owner").password);
    const auditBefore = await allAudit(ownerToken);
    const { context, page, problems } = await signedIn(browser, "manager");
    await go(page, "charges");
    await page.getByTestId("charges-table").waitFor();
    const row = page.getByTestId("charges-table").locator("tbody tr", { has: page.getByRole("button", { name: "Refund" }) }).first();
    const chargeId = await row.getAttribute("data-id");
    const refundsBefore = await api(ownerToken, "GET", `/orgs/${orgId}/refunds?charge=${chargeId}`);
    assert.equal(refundsBefore.status, 200);

    await row.getByRole("button", { name: "Refund" }).click();
    const dialog = page.getByRole("dialog", { name: "Refund charge" });
    await dialog.getByRole("button", { name: "Refund" }).dblclick();
    await page.getByRole("status").filter({ hasText: /Refund re_\w+ of/ }).waitFor();
    await screenshot(page, "refunded");

    const refunds = await api(ownerToken, "GET", `/orgs/${orgId}/refunds?charge=${chargeId}`);
    assert.equal(refunds.body.data.length, refundsBefore.body.data.length + 1, "one new refund in the mirror");
    const refundId = refunds.body.data.map((r) => r.id).find((id) => !refundsBefore.body.data.some((r) => r.id === id));
    const charge = await api(ownerToken, "GET", `/orgs/${orgId}/charges/${chargeId}`);
    assert.equal(charge.body.refunded, true, "the charge read back after the refund is mirrored");

    const added = (await allAudit(ownerToken)).filter((e) => !auditBefore.some((b) => b.id === e.id));
    const created = added.filter((e) => e.action === "refund.created");
    assert.equal(created.length, 1, `one refund.created, got ${JSON.stringify(added.map((e) => e.action))}`);
    assert.equal(created[0].outcome, "success");
    assert.equal(created[0].actor.username, user("manager").username);
    assert.ok(JSON.stringify(created[0]).includes(refundId), "the audit entry names the refund");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a viewer's forged refund request is refused with 403 and refunds nothing", async () => {
    const { context, page } = await signedIn(browser, "viewer");
    const ownerToken = await idToken(user("owner").username, user("owner").password);
    const charges = await api(ownerToken, "GET", `/orgs/${orgId}/charges?status=succeeded&limit=100`);
    const charge = charges.body.data.find((c) => !c.refunded);
    assert.ok(charge, "a charge that can still be refunded");
    const answer = await page.evaluate(
      async ({ apiUrl, org, chargeId }) => {
        const token = JSON.parse(sessionStorage.getItem("agent-billy.session")).idToken;
        const response = await fetch(`${apiUrl}/orgs/${org}/refunds`, {
          method: "POST",
          headers: { Authorization: token, "Content-Type": "application/json", "Idempotency-Key": "forged-" + crypto.randomUUID() },
          body: JSON.stringify({ charge: chargeId }),
        });
        return { status: response.status, body: await response.json() };
      },
      { apiUrl: stack.api_url, org: orgId, chargeId: charge.id },
    );
    assert.equal(answer.status, 403);
    assert.equal(answer.body.error.code, "forbidden");
    const refunds = await api(ownerToken, "GET", `/orgs/${orgId}/refunds?charge=${charge.id}`);
    assert.equal(refunds.body.data.length, 0, "nothing refunded");
    const denied = (await allAudit(ownerToken)).find((e) => e.action === "access.denied" && e.actor.username === user("viewer").username);
    assert.ok(denied, "the refusal is audited as access.denied");
    await context.close();
  });
});

describe("keys", () => {
  async function connect(page, purpose, key) {
    await go(page, "keys");
    const card = page.locator(`.key-card[data-purpose=${purpose}]`);
    await card.locator("input[type=password]").fill(key);
    await card.getByRole("button", { name: /Connect|Rotate/ }).click();
    await card.getByRole("alert").waitFor();
    return card;
  }

  test("a secret key is refused with the guidance, and nothing of it is stored", async () => {
    const { context, page } = await signedIn(browser, "owner");
    const ownerToken = await idToken(user("owner").username, user("owner").password);
    const keysBefore = await api(ownerToken, "GET", `/orgs/${orgId}/keys`);
    const secret = stack.stripe_keys.secret;
    assert.match(secret, /^sk_test_/);
    const card = await connect(page, "viewer", secret);
    const text = await card.getByRole("alert").textContent();
    assert.match(text, /secret key/i);
    assert.match(text, /Create restricted key/);
    assert.ok(!text.includes(secret) && !(await page.content()).includes(secret), "the key is not echoed on the page");
    await screenshot(page, "keys-secret-refused");
    assert.deepEqual((await api(ownerToken, "GET", `/orgs/${orgId}/keys`)).body, keysBefore.body, "the keys are unchanged");
    const stored = JSON.stringify(await scanTable()) + JSON.stringify(await secretValues());
    assert.ok(!stored.includes(secret) && !stored.includes(secret.slice(8)), "neither the table nor the secrets store holds the key");
    await context.close();
  });

  test("a key that lacks a permission is refused, naming it with the Stripe Dashboard's label", async () => {
    const { context, page } = await signedIn(browser, "owner");
    const card = await connect(page, "viewer", stack.stripe_keys.underscoped);
    const alert = card.getByRole("alert");
    assert.match(await alert.textContent(), /lacks permissions/);
    assert.match(await alert.textContent(), /Missing — tick these:\s*Charges: Read/);
    await screenshot(page, "keys-missing-permission");
    await context.close();
  });
});
