/** Customers: find one by email, page through all, and one customer's billing at a glance. */
import { useState } from "preact/hooks";
import { seg } from "../api/client";
import type { CustomerView, ListPage, StripeObject } from "../api/types";
import { useApp, useOrg } from "../context";
import { date, dateTime } from "../format";
import { href } from "../router";
import { Loaded, useResource } from "../ui/state";
import { PagedTable, Table, type Column } from "../ui/table";
import { ActionDialogs, hasRowActions, rowActions, type OpenAction } from "./actions";
import { columns } from "./columns";

export function CustomersPage() {
  const { api } = useApp();
  const { orgId } = useOrg();
  const [draft, setDraft] = useState("");
  const [email, setEmail] = useState("");
  const cols: Column<StripeObject>[] = [
    { label: "Customer", render: (c) => <a href={href("orgs", orgId, "customers", c.id)}>{c.name || c.email || c.id}</a> },
    { label: "Email", render: (c) => c.email ?? "—" },
    { label: "Id", render: (c) => <code>{c.id}</code> },
    { label: "Created", render: (c) => date(c.created) },
  ];
  return (
    <section>
      <h1>Customers</h1>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setEmail(draft.trim());
        }}
      >
        <label>
          Email (exact)
          <input name="email" type="search" placeholder="jane@example.com" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
        </label>
        <button type="submit">Search</button>
        {email && (
          <button
            type="button"
            class="link"
            onClick={() => {
              setDraft("");
              setEmail("");
            }}
          >
            Clear
          </button>
        )}
      </form>
      <PagedTable
        testId="customers-table"
        queryKey={email}
        load={(cursor) => api.get<ListPage<StripeObject>>(`/orgs/${seg(orgId)}/customers`, { email, cursor })}
        columns={cols}
        empty={email ? `No customer has the email ${email}.` : "No customers in the mirror yet."}
      />
    </section>
  );
}

export function CustomerPage({ id }: { id: string }) {
  const { api } = useApp();
  const { orgId, can } = useOrg();
  const [refresh, setRefresh] = useState(0);
  const [open, setOpen] = useState<OpenAction>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const customer = useResource(() => api.get<CustomerView>(`/orgs/${seg(orgId)}/customers/${seg(id)}`), [id, refresh]);
  const withActions = (kind: "charges" | "subscriptions"): Column<StripeObject>[] => {
    const base = columns[kind](orgId).filter((c) => c.label !== "Customer");
    return hasRowActions(kind, can) ? [...base, { label: "Actions", render: (row) => rowActions(kind, row, setOpen, can) }] : base;
  };
  return (
    <section>
      <p class="crumbs">
        <a href={href("orgs", orgId, "customers")}>Customers</a> / <code>{id}</code>
      </p>
      <Loaded resource={customer} what="Loading the customer">
        {(c) => (
          <>
            <h1>
              {c.name || c.email || c.id} {c.deleted && <span class="badge">deleted</span>}
            </h1>
            <dl class="facts">
              <dt>Email</dt>
              <dd>{c.email ?? "—"}</dd>
              <dt>Customer since</dt>
              <dd>{date(c.created)}</dd>
              <dt>Mirrored</dt>
              <dd>{dateTime(c.synced_at)}</dd>
            </dl>
            {notice && (
              <p class="notice" role="status">
                {notice}
              </p>
            )}
            <h2>Subscriptions</h2>
            <Table testId="customer-subscriptions" rows={c.subscriptions} columns={withActions("subscriptions")} empty="No subscriptions." />
            <h2>Invoices (10 newest)</h2>
            <Table testId="customer-invoices" rows={c.invoices} columns={columns.invoices(orgId).filter((col) => col.label !== "Customer")} empty="No invoices." />
            <h2>Charges (10 newest)</h2>
            <Table testId="customer-charges" rows={c.charges} columns={withActions("charges")} empty="No charges." />
          </>
        )}
      </Loaded>
      <ActionDialogs
        open={open}
        close={() => setOpen(null)}
        done={(message) => {
          setOpen(null);
          setNotice(message);
          setRefresh((r) => r + 1);
        }}
      />
    </section>
  );
}
