/**
 * Keys: the restricted key per purpose, what Stripe verified it may do, and (owners) connecting,
 * rotating and revoking. Permissions are named with the Stripe Dashboard's own labels, so an owner
 * can tick exactly those boxes when creating the key.
 */
import { useState } from "preact/hooks";
import { seg } from "../api/client";
import { PURPOSES, slugOf, type KeyMetadata, type KeyRequirements, type ListPage, type Permission, type Purpose } from "../api/types";
import { useApp, useOrg } from "../context";
import type { Labels } from "../errors";
import { dateTime } from "../format";
import { ErrorBox, Loaded, Loading, useResource } from "../ui/state";

const PURPOSE_TEXT: Record<Purpose, string> = {
  sync: "Reads everything the mirror holds, for the scheduled sync and webhooks.",
  manager: "Refunds, cancellations and subscription changes made by managers and owners.",
  operator: "Subscription changes made by operators; it cannot refund or cancel.",
  viewer: "Live reads (“Fetch live from Stripe”) made on behalf of any member.",
};

function labelsFrom(requirements: KeyRequirements | undefined): Labels {
  const labels = new Map<string, string>();
  for (const purpose of PURPOSES) {
    const r = requirements?.[purpose];
    for (const p of [...(r?.read ?? []), ...(r?.write ?? []), ...(r?.forbidden_write ?? [])]) if (p.label) labels.set(slugOf(p), p.label);
  }
  return (permission) => labels.get(permission) ?? permission;
}

export function KeysPage() {
  const { api } = useApp();
  const { orgId, can, org } = useOrg();
  const requirements = useResource(() => api.get<KeyRequirements>("/key-requirements"), []);
  const keys = useResource(() => api.get<ListPage<KeyMetadata>>(`/orgs/${seg(orgId)}/keys`), [orgId]);
  const labels = labelsFrom(requirements.data);
  const byPurpose = new Map((keys.data?.data ?? []).map((k) => [k.purpose, k]));
  const changed = () => {
    keys.reload();
    org.reload();
  };
  return (
    <section>
      <h1>Stripe keys</h1>
      <p class="lead">
        Agent Billy takes <strong>restricted keys only</strong> (<code>rk_…</code>), one per purpose, each with exactly the permissions below. Stripe enforces them too: a key
        cannot do more than it was given, whatever happens here.
      </p>
      {keys.error ? (
        <ErrorBox error={keys.error} />
      ) : !keys.data || !requirements.data ? (
        requirements.error ? <ErrorBox error={requirements.error} /> : <Loading what="Loading the keys" />
      ) : (
        <div class="key-cards">
          {PURPOSES.map((purpose) => (
            <KeyCard key={purpose} purpose={purpose} current={byPurpose.get(purpose) ?? null} labels={labels} canConnect={can("owner")} onChanged={changed} />
          ))}
        </div>
      )}
      {can("owner") && <WebhookSecret />}
      <h2>What each key needs</h2>
      <Loaded resource={requirements} what="Loading the requirements">
        {(r) => <RequirementsTable requirements={r} />}
      </Loaded>
    </section>
  );
}

function KeyCard({ purpose, current, labels, canConnect, onChanged }: { purpose: Purpose; current: KeyMetadata | null; labels: Labels; canConnect: boolean; onChanged: () => void }) {
  const { api } = useApp();
  const { orgId } = useOrg();
  const [key, setKey] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [verified, setVerified] = useState<KeyMetadata | null>(null);
  const connect = async (event: Event) => {
    event.preventDefault();
    const value = key.trim();
    setKey(""); // the key never stays on the page
    if (!value || pending) return;
    setPending(true);
    setError(null);
    setVerified(null);
    try {
      setVerified(await api.send<KeyMetadata>("PUT", `/orgs/${seg(orgId)}/keys/${purpose}`, { key: value }));
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };
  const revoke = async () => {
    if (!confirm(`Revoke the ${purpose} key? Agent Billy stops using it at once; the key itself stays in Stripe until you delete it there.`)) return;
    setPending(true);
    setError(null);
    try {
      await api.send("DELETE", `/orgs/${seg(orgId)}/keys/${purpose}`);
      setVerified(null);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };
  return (
    <article class="card key-card" data-purpose={purpose}>
      <header>
        <h2>{purpose}</h2>
        {current ? <span class="status status-active">Connected</span> : <span class="status status-none">Not connected</span>}
      </header>
      <p class="muted">{PURPOSE_TEXT[purpose]}</p>
      {current && (
        <dl class="facts">
          <dt>Key</dt>
          <dd>
            <code>rk_{current.livemode ? "live" : "test"}_…{current.last4}</code>
          </dd>
          <dt>Connected</dt>
          <dd>
            {dateTime(current.connected_at)} by {current.connected_by}
          </dd>
          <dt>Verified</dt>
          <dd>{current.verified_permissions.map(labels).join(", ")}</dd>
        </dl>
      )}
      {verified && (
        <p class="notice" role="status">
          Verified with Stripe: {verified.verified_permissions.map(labels).join(", ")}. Nothing more, nothing less.
        </p>
      )}
      {error !== null && <ErrorBox error={error} labels={labels} />}
      {canConnect && (
        <form class="inline-form" onSubmit={connect}>
          <label>
            {current ? "Rotate: paste a new restricted key" : "Paste a restricted key"}
            <input name={`key-${purpose}`} type="password" autoComplete="off" spellcheck={false} placeholder="rk_test_…" value={key} onInput={(e) => setKey(e.currentTarget.value)} />
          </label>
          <button type="submit" class="primary" disabled={pending}>
            {pending ? "Verifying with Stripe…" : current ? "Rotate" : "Connect"}
          </button>
          {current && (
            <button type="button" class="danger" disabled={pending} onClick={revoke}>
              Revoke
            </button>
          )}
        </form>
      )}
    </article>
  );
}

function WebhookSecret() {
  const { api } = useApp();
  const { orgId, org } = useOrg();
  const [secret, setSecret] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const save = async (event: Event) => {
    event.preventDefault();
    const value = secret.trim();
    setSecret("");
    if (!value) return;
    setError(null);
    setSaved(false);
    try {
      await api.send("PUT", `/orgs/${seg(orgId)}/webhook-secret`, { secret: value });
      setSaved(true);
      org.reload();
    } catch (e) {
      setError(e);
    }
  };
  const webhook = org.data?.webhook;
  return (
    <article class="card">
      <header>
        <h2>Webhook</h2>
        {webhook && (webhook.configured ? <span class="status status-active">Configured</span> : <span class="status status-none">Not configured</span>)}
      </header>
      <p class="muted">
        In the Stripe Dashboard add an endpoint (Developers → Webhooks) with this URL, then paste its signing secret here.
      </p>
      {webhook && (
        <p>
          <code class="wrap">{webhook.url}</code>
        </p>
      )}
      {saved && (
        <p class="notice" role="status">
          Signing secret saved.
        </p>
      )}
      {error !== null && <ErrorBox error={error} />}
      <form class="inline-form" onSubmit={save}>
        <label>
          Signing secret
          <input name="webhook-secret" type="password" autoComplete="off" placeholder="whsec_…" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
        </label>
        <button type="submit">Save</button>
      </form>
    </article>
  );
}

function RequirementsTable({ requirements }: { requirements: KeyRequirements }) {
  const names = (list: Permission[]) =>
    list.length ? (
      <ul class="inline-list">
        {list.map((p) => (
          <li key={slugOf(p)} title={slugOf(p)}>
            {p.label ?? slugOf(p)}
          </li>
        ))}
      </ul>
    ) : (
      "—"
    );
  return (
    <div class="table-wrap">
      <table data-testid="key-requirements">
        <thead>
          <tr>
            <th scope="col">Purpose</th>
            <th scope="col">Read</th>
            <th scope="col">Write</th>
            <th scope="col">Must not have</th>
          </tr>
        </thead>
        <tbody>
          {PURPOSES.map((purpose) => (
            <tr key={purpose}>
              <th scope="row">{purpose}</th>
              <td data-label="Read">{names(requirements[purpose].read)}</td>
              <td data-label="Write">{names(requirements[purpose].write)}</td>
              <td data-label="Must not have">{names(requirements[purpose].forbidden_write)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
