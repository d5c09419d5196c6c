/** The audit log (owners): every action and refusal, hash-chained; "verify" checks the chain. */
import { useState } from "preact/hooks";
import { seg } from "../api/client";
import type { AuditEntry, AuditVerification, ListPage } from "../api/types";
import { useApp, useOrg } from "../context";
import { dateTime } from "../format";
import { ErrorBox } from "../ui/state";
import { PagedTable } from "../ui/table";
import { StatusBadge } from "./columns";

export function AuditPage() {
  const { api } = useApp();
  const { orgId } = useOrg();
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const [verifying, setVerifying] = useState(false);
  const verify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      // A long chain is verified in bounded steps; each carries on where the last stopped.
      let step = await api.get<AuditVerification>(`/orgs/${seg(orgId)}/audit/verify`);
      while (!step.complete && step.next_cursor) {
        setVerification(step);
        step = await api.get<AuditVerification>(`/orgs/${seg(orgId)}/audit/verify`, { cursor: step.next_cursor });
      }
      setVerification(step);
    } catch (e) {
      setVerifyError(e);
    } finally {
      setVerifying(false);
    }
  };
  return (
    <section>
      <h1>Audit log</h1>
      <p>
        <button type="button" onClick={verify} disabled={verifying}>
          {verifying ? "Verifying…" : "Verify the chain"}
        </button>
      </p>
      {verification && (
        <p class={verification.valid ? "notice" : "error-box"} role="status" data-testid="audit-verify">
          {!verification.complete
            ? `Verifying… ${verification.entries} entries checked so far${verification.valid ? "" : `, broken at ${verification.first_bad_id}`}.`
            : verification.valid
            ? `The chain is intact: ${verification.entries} entries, each signed over the one before.`
            : `The chain is broken at entry ${verification.first_bad_id} (of ${verification.entries}). Entries from there on cannot be trusted.`}
        </p>
      )}
      {verifyError !== null && <ErrorBox error={verifyError} />}
      <PagedTable<AuditEntry>
        testId="audit-table"
        queryKey="audit"
        load={(cursor) => api.get<ListPage<AuditEntry>>(`/orgs/${seg(orgId)}/audit`, { cursor })}
        empty="Nothing audited yet."
        columns={[
          { label: "When", render: (e) => dateTime(e.at) },
          { label: "Who", render: (e) => `${e.actor.username}${e.actor.role ? ` (${e.actor.role})` : ""}` },
          { label: "Action", render: (e) => <code>{e.action}</code> },
          { label: "Target", render: (e) => (e.target ? <code>{e.target}</code> : "—") },
          { label: "Outcome", render: (e) => <StatusBadge status={e.outcome} /> },
          { label: "Key", render: (e) => e.key_purpose ?? "—" },
          { label: "Details", render: (e) => (Object.keys(e.details ?? {}).length ? <code class="details">{JSON.stringify(e.details)}</code> : "—") },
        ]}
      />
    </section>
  );
}
