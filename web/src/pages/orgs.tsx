/** Choosing a team, creating one, and joining one with an invitation code. */
import { useEffect, useState } from "preact/hooks";
import type { Membership } from "../api/types";
import { useApp } from "../context";
import { href, navigate } from "../router";
import { Empty, ErrorBox } from "../ui/state";

export function OrgPicker({ autoOpen }: { autoOpen: boolean }) {
  const { me } = useApp();
  const only = me.memberships.length === 1 ? me.memberships[0] : undefined;
  useEffect(() => {
    if (autoOpen && only) navigate(href("orgs", only.org_id, "summary"));
  }, [autoOpen, only?.org_id]);
  return (
    <main class="page narrow">
      <h1>Your teams</h1>
      {me.memberships.length === 0 ? (
        <Empty>You are not in a team yet. Create one, or join one with the code an owner sent you.</Empty>
      ) : (
        <ul class="org-list" data-testid="org-list">
          {me.memberships.map((m: Membership) => (
            <li key={m.org_id}>
              <a href={href("orgs", m.org_id, "summary")}>
                <strong>{m.org_name}</strong>
                <span class="badge role">{m.role}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      <div class="two-up">
        <CreateOrg />
        <JoinOrg />
      </div>
    </main>
  );
}

function CreateOrg() {
  const { api, reloadMe } = useApp();
  const [name, setName] = useState("");
  const [mode, setMode] = useState<"test" | "live">("test");
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const create = async (event: Event) => {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    setError(null);
    try {
      const org = await api.send<{ org_id: string }>("POST", "/orgs", { name: name.trim(), mode });
      reloadMe();
      navigate(href("orgs", org.org_id, "keys"));
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };
  return (
    <form class="card form" onSubmit={create}>
      <h2>Create a team</h2>
      <label>
        Name
        <input name="org-name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Stripe mode
        <select name="org-mode" value={mode} onChange={(e) => setMode(e.currentTarget.value as "test" | "live")}>
          <option value="test">Test (rk_test_ keys)</option>
          <option value="live">Live (rk_live_ keys)</option>
        </select>
      </label>
      {error !== null && <ErrorBox error={error} />}
      <button type="submit" class="primary" disabled={pending}>
        Create team
      </button>
    </form>
  );
}

function JoinOrg() {
  const { api, reloadMe } = useApp();
  const [code, setCode] = useState("");
  const [error, setError] = useState<unknown>(null);
  const join = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const joined = await api.send<{ org_id: string }>("POST", "/invitations/accept", { code: code.trim() });
      setCode("");
      reloadMe();
      navigate(href("orgs", joined.org_id, "summary"));
    } catch (e) {
      setError(e);
    }
  };
  return (
    <form class="card form" onSubmit={join}>
      <h2>Join a team</h2>
      <label>
        Invitation code
        <input name="invitation-code" required autoComplete="off" placeholder="invite_…" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
      </label>
      <p class="muted">Sign in with the email the invitation was sent to.</p>
      {error !== null && <ErrorBox error={error} />}
      <button type="submit">Join</button>
    </form>
  );
}
