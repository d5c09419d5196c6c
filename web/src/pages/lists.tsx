/** Subscriptions, invoices, charges, refunds and products: the mirror's lists with their filters. */
import { useState } from "preact/hooks";
import { ApiError, seg } from "../api/client";
import type { ListPage, StripeObject } from "../api/types";
import { useApp, useOrg } from "../context";
import { dateTime } from "../format";
import { href } from "../router";
import { Loaded, useResource } from "../ui/state";
import { PagedTable, Table, type Column } from "../ui/table";
import { ActionDialogs, hasRowActions, rowActions, type OpenAction } from "./actions";
import { columns } from "./columns";

interface Filter {
  name: string;
  label: string;
  /** Options for a select; a text input otherwise. */
  options?: [string, string][];
  placeholder?: string;
}

export interface ObjectList {
  type: "subscriptions" | "invoices" | "charges" | "refunds" | "products";
  title: string;
  filters: Filter[];
  /** May be fetched live from Stripe with the viewer key. */
  fresh: boolean;
}

const any: [string, string] = ["", "Any"];
const customer: Filter = { name: "customer", label: "Customer", placeholder: "cus_…" };

export const OBJECT_LISTS: ObjectList[] = [
  {
    type: "subscriptions",
    title: "Subscriptions",
    fresh: true,
    filters: [{ name: "status", label: "Status", options: [any, ...["active", "past_due", "trialing", "incomplete", "unpaid", "paused", "canceled"].map((s): [string, string] => [s, s.replace("_", " ")])] }, customer],
  },
  {
    type: "invoices",
    title: "Invoices",
    fresh: true,
    filters: [{ name: "status", label: "Status", options: [any, ...["draft", "open", "paid", "uncollectible", "void"].map((s): [string, string] => [s, s])] }, customer],
  },
  {
    type: "charges",
    title: "Charges",
    fresh: true,
    filters: [{ name: "status", label: "Status", options: [any, ["succeeded", "succeeded"], ["failed", "failed"], ["pending", "pending"]] }, customer],
  },
  { type: "refunds", title: "Refunds", fresh: false, filters: [{ name: "charge", label: "Charge", placeholder: "ch_…" }] },
  { type: "products", title: "Products", fresh: true, filters: [{ name: "active", label: "Active", options: [any, ["true", "active"], ["false", "archived"]] }] },
];

export function ObjectListPage({ list, id }: { list: ObjectList; id?: string }) {
  return id ? <ObjectDetail list={list} id={id} /> : <ObjectListView list={list} />;
}

function ObjectListView({ list }: { list: ObjectList }) {
  const { api } = useApp();
  const { orgId, can } = useOrg();
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [includeDeleted, setIncludeDeleted] = useState(false);
  const [open, setOpen] = useState<OpenAction>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const query = { ...filters, ...(includeDeleted ? { include_deleted: "true" } : {}) };
  const cols: Column<StripeObject>[] = [...columns[list.type](orgId)];
  if (hasRowActions(list.type, can)) cols.push({ label: "Actions", render: (row) => rowActions(list.type as "charges" | "subscriptions", row, setOpen, can) });
  const apply = (event: Event) => {
    event.preventDefault();
    setFilters(Object.fromEntries(Object.entries(draft).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v)));
  };
  return (
    <section>
      <h1>{list.title}</h1>
      <form class="filters" onSubmit={apply} role="search">
        {list.filters.map((f) => (
          <label key={f.name}>
            {f.label}
            {f.options ? (
              <select name={f.name} value={draft[f.name] ?? ""} onChange={(e) => setDraft({ ...draft, [f.name]: e.currentTarget.value })}>
                {f.options.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            ) : (
              <input name={f.name} placeholder={f.placeholder} value={draft[f.name] ?? ""} onInput={(e) => setDraft({ ...draft, [f.name]: e.currentTarget.value })} />
            )}
          </label>
        ))}
        <label class="choice">
          <input type="checkbox" checked={includeDeleted} onChange={(e) => setIncludeDeleted(e.currentTarget.checked)} /> Show deleted
        </label>
        <button type="submit">Filter</button>
      </form>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <PagedTable
        testId={`${list.type}-table`}
        queryKey={JSON.stringify(query)}
        refresh={refresh}
        load={(cursor) => api.get<ListPage<StripeObject>>(`/orgs/${seg(orgId)}/${list.type}`, { ...query, cursor })}
        columns={cols}
        empty={Object.keys(filters).length ? `No ${list.title.toLowerCase()} match these filters.` : `No ${list.title.toLowerCase()} in the mirror yet.`}
      />
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

function ObjectDetail({ list, id }: { list: ObjectList; id: string }) {
  const { api } = useApp();
  const { orgId } = useOrg();
  const [fresh, setFresh] = useState(0);
  const object = useResource(() => api.get<StripeObject>(`/orgs/${seg(orgId)}/${list.type}/${seg(id)}`, fresh ? { fresh: "true" } : {}), [id, fresh]);
  const singular = list.title.replace(/s$/, "").toLowerCase();
  return (
    <section>
      <p class="crumbs">
        <a href={href("orgs", orgId, list.type)}>{list.title}</a> / <code>{id}</code>
      </p>
      <Loaded resource={object} what={`Loading the ${singular}`}>
        {(o) => (
          <>
            <h1>
              {o.name ?? o.number ?? o.id} {o.deleted && <span class="badge">deleted</span>}
            </h1>
            <p class="muted">
              Mirrored {dateTime(o.synced_at)}
              {list.fresh && (
                <>
                  {" · "}
                  <button type="button" class="link" disabled={object.loading} onClick={() => setFresh((f) => f + 1)}>
                    Fetch live from Stripe
                  </button>
                </>
              )}
            </p>
            <Table rows={[o]} columns={columns[list.type](orgId)} empty="" />
            <details class="raw">
              <summary>All fields</summary>
              <pre>{JSON.stringify(o, null, 2)}</pre>
            </details>
          </>
        )}
      </Loaded>
    </section>
  );
}

export const notFound = new ApiError(404, "not_found", "");
