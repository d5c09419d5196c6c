/** How each kind of mirrored Stripe object is shown in a table. */
import type { StripeObject } from "../api/types";
import { date, humanize, money } from "../format";
import { href } from "../router";
import type { Column } from "../ui/table";

export function StatusBadge({ status }: { status: string | null | undefined }) {
  return <span class={`status status-${status ?? "none"}`}>{humanize(status)}</span>;
}

export function customerLink(orgId: string, customer: unknown) {
  const id = typeof customer === "string" ? customer : (customer as StripeObject | null)?.id;
  return id ? <a href={href("orgs", orgId, "customers", id)}>{id}</a> : "—";
}

function objectLink(orgId: string, type: string, id: string, text?: string) {
  return <a href={href("orgs", orgId, type, id)}>{text ?? id}</a>;
}

/** The price a subscription's first item bills (a price, or a legacy plan). */
export function subscriptionPrice(sub: StripeObject): string {
  const item = sub.items?.data?.[0];
  const price = item?.price ?? item?.plan ?? sub.plan;
  if (!price) return "—";
  const amount = price.unit_amount ?? price.amount;
  const interval = price.recurring?.interval ?? price.interval;
  const count = price.recurring?.interval_count ?? price.interval_count ?? 1;
  const every = interval ? ` / ${count > 1 ? `${count} ${interval}s` : interval}` : "";
  return `${money(amount, price.currency ?? sub.currency)}${every}`;
}

export function subscriptionQuantity(sub: StripeObject): number | undefined {
  return sub.items?.data?.[0]?.quantity ?? sub.quantity;
}

export const columns = {
  subscriptions: (orgId: string): Column<StripeObject>[] => [
    { label: "Subscription", render: (s) => objectLink(orgId, "subscriptions", s.id) },
    { label: "Customer", render: (s) => customerLink(orgId, s.customer) },
    { label: "Status", render: (s) => <StatusBadge status={s.status} /> },
    { label: "Price", render: subscriptionPrice },
    { label: "Qty", render: (s) => subscriptionQuantity(s) ?? "—", numeric: true },
    { label: "Renews", render: (s) => (s.cancel_at_period_end ? `Ends ${date(s.current_period_end ?? s.items?.data?.[0]?.current_period_end)}` : date(s.current_period_end ?? s.items?.data?.[0]?.current_period_end)) },
  ],
  invoices: (orgId: string): Column<StripeObject>[] => [
    { label: "Invoice", render: (i) => objectLink(orgId, "invoices", i.id, i.number ?? i.id) },
    { label: "Customer", render: (i) => customerLink(orgId, i.customer) },
    { label: "Status", render: (i) => <StatusBadge status={i.status} /> },
    { label: "Total", render: (i) => money(i.total ?? i.amount_due, i.currency), numeric: true },
    { label: "Due", render: (i) => money(i.amount_remaining ?? i.amount_due, i.currency), numeric: true },
    { label: "Created", render: (i) => date(i.created) },
  ],
  charges: (orgId: string): Column<StripeObject>[] => [
    { label: "Charge", render: (c) => objectLink(orgId, "charges", c.id) },
    { label: "Customer", render: (c) => customerLink(orgId, c.customer) },
    { label: "Amount", render: (c) => money(c.amount, c.currency), numeric: true },
    { label: "Status", render: (c) => <StatusBadge status={c.refunded ? "refunded" : c.status} /> },
    { label: "Refunded", render: (c) => (c.amount_refunded ? money(c.amount_refunded, c.currency) : "—"), numeric: true },
    { label: "Created", render: (c) => date(c.created) },
  ],
  refunds: (orgId: string): Column<StripeObject>[] => [
    { label: "Refund", render: (r) => objectLink(orgId, "refunds", r.id) },
    { label: "Charge", render: (r) => (typeof r.charge === "string" ? objectLink(orgId, "charges", r.charge) : "—") },
    { label: "Amount", render: (r) => money(r.amount, r.currency), numeric: true },
    { label: "Status", render: (r) => <StatusBadge status={r.status} /> },
    { label: "Reason", render: (r) => humanize(r.reason) },
    { label: "Created", render: (r) => date(r.created) },
  ],
  products: (orgId: string): Column<StripeObject>[] => [
    { label: "Product", render: (p) => objectLink(orgId, "products", p.id, p.name ?? p.id) },
    { label: "Active", render: (p) => <StatusBadge status={p.active ? "active" : "inactive"} /> },
    {
      label: "Prices",
      render: (p) =>
        (p.prices as StripeObject[] | undefined)?.length ? (
          <ul class="inline-list">
            {(p.prices as StripeObject[]).map((price) => (
              <li key={price.id}>{subscriptionPrice({ id: price.id, object: "subscription", plan: price })}</li>
            ))}
          </ul>
        ) : (
          "—"
        ),
    },
    { label: "Created", render: (p) => date(p.created) },
  ],
};
