/** The mirror's sync: where it stands, and "sync now" for managers. */
import { useEffect, useState } from "preact/hooks";
import { seg } from "../api/client";
import type { SyncState } from "../api/types";
import { useApp, useOrg } from "../context";
import { dateTime, humanize } from "../format";
import { ErrorBox, Loaded, useResource } from "../ui/state";
import { StatusBadge } from "./columns";

export function SyncPage() {
  const { api } = useApp();
  const { orgId, can } = useOrg();
  const sync = useResource(() => api.get<SyncState>(`/orgs/${seg(orgId)}/sync`), [orgId]);
  const [requestError, setRequestError] = useState<unknown>(null);
  const [requesting, setRequesting] = useState(false);
  const busy = sync.data?.status === "queued" || sync.data?.status === "running";
  useEffect(() => {
    if (!busy) return;
    const timer = setTimeout(sync.reload, 2000);
    return () => clearTimeout(timer);
  }, [busy, sync.data]);
  const syncNow = async () => {
    setRequesting(true);
    setRequestError(null);
    try {
      await api.send("POST", `/orgs/${seg(orgId)}/sync`);
      sync.reload();
    } catch (e) {
      setRequestError(e);
    } finally {
      setRequesting(false);
    }
  };
  return (
    <section>
      <h1>Sync</h1>
      <Loaded resource={sync} what="Loading the sync status">
        {(s) => (
          <>
            <dl class="facts" data-testid="sync-status">
              <dt>Status</dt>
              <dd>
                <StatusBadge status={s.status} />
              </dd>
              <dt>Last started</dt>
              <dd>{dateTime(s.last_started_at)}</dd>
              <dt>Last success</dt>
              <dd>{dateTime(s.last_success_at)}</dd>
            </dl>
            {s.last_error && (
              <div class="error-box" role="alert">
                <strong>The last sync failed: {humanize(s.last_error.code)}</strong>
                <p>{s.last_error.message}</p>
              </div>
            )}
            <h2>In the mirror</h2>
            <ul class="counts">
              {Object.entries(s.counts).map(([type, count]) => (
                <li key={type}>
                  <strong>{count}</strong> {type}
                </li>
              ))}
            </ul>
          </>
        )}
      </Loaded>
      {can("manager") && (
        <p>
          <button type="button" class="primary" disabled={requesting || busy} onClick={syncNow}>
            {busy ? "Syncing…" : "Sync now"}
          </button>
        </p>
      )}
      {requestError !== null && <ErrorBox error={requestError} />}
    </section>
  );
}
