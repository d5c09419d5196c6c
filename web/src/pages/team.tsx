/** Team: members and their roles, invitations with their one-time code, leaving. */
import { useState } from "preact/hooks";
import { seg } from "../api/client";
import type { CreatedInvitation, Invitation, Member, Role } from "../api/types";
import { useApp, useOrg } from "../context";
import { date, dateTime } from "../format";
import { href, navigate } from "../router";
import { ErrorBox, Loaded, useResource } from "../ui/state";
import { Table } from "../ui/table";

const ROLES: Role[] = ["viewer", "operator", "manager", "owner"];

export function TeamPage() {
  const { api, me, reloadMe } = useApp();
  const { orgId, can } = useOrg();
  const members = useResource(() => api.get<{ data: Member[] }>(`/orgs/${seg(orgId)}/members`), [orgId]);
  const [error, setError] = useState<unknown>(null);
  const act = async (call: () => Promise<unknown>, after: () => void = members.reload) => {
    setError(null);
    try {
      await call();
      after();
    } catch (e) {
      setError(e);
    }
  };
  const changeRole = (member: Member, role: Role) => act(() => api.send("PUT", `/orgs/${seg(orgId)}/members/${seg(member.user_id)}`, { role }));
  const remove = (member: Member) => {
    const self = member.user_id === me.user.id;
    if (!confirm(self ? "Leave this team? You lose access at once." : `Remove ${member.username} from the team?`)) return;
    void act(
      () => api.send("DELETE", `/orgs/${seg(orgId)}/members/${seg(member.user_id)}`),
      self
        ? () => {
            reloadMe();
            navigate(href() + "?pick=1");
          }
        : members.reload,
    );
  };
  return (
    <section>
      <h1>Team</h1>
      {error !== null && <ErrorBox error={error} />}
      <Loaded resource={members} what="Loading the members">
        {(m) => (
          <Table
            testId="members-table"
            rows={m.data.map((member) => ({ ...member, id: member.user_id }))}
            empty="No members."
            columns={[
              { label: "Member", render: (x) => (x.user_id === me.user.id ? `${x.username} (you)` : x.username) },
              {
                label: "Role",
                render: (x) =>
                  can("owner") ? (
                    <select aria-label={`Role of ${x.username}`} value={x.role} onChange={(e) => void changeRole(x, e.currentTarget.value as Role)}>
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  ) : (
                    x.role
                  ),
              },
              { label: "Joined", render: (x) => date(x.joined_at) },
              {
                label: "",
                render: (x) =>
                  x.user_id === me.user.id ? (
                    <button type="button" class="small" onClick={() => remove(x)}>
                      Leave team
                    </button>
                  ) : can("owner") ? (
                    <button type="button" class="small danger" onClick={() => remove(x)}>
                      Remove
                    </button>
                  ) : null,
              },
            ]}
          />
        )}
      </Loaded>
      {can("owner") && <Invitations />}
    </section>
  );
}

function Invitations() {
  const { api } = useApp();
  const { orgId } = useOrg();
  const invitations = useResource(() => api.get<{ data: Invitation[] }>(`/orgs/${seg(orgId)}/invitations`), [orgId]);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const invite = async (event: Event) => {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    setError(null);
    setCreated(null);
    try {
      setCreated(await api.send<CreatedInvitation>("POST", `/orgs/${seg(orgId)}/invitations`, { email: email.trim(), role }));
      setEmail("");
      invitations.reload();
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  };
  const revoke = async (invitation: Invitation) => {
    setError(null);
    try {
      await api.send("DELETE", `/orgs/${seg(orgId)}/invitations/${seg(invitation.invitation_id)}`);
      invitations.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <h2>Invite someone</h2>
      <form class="inline-form" onSubmit={invite}>
        <label>
          Email
          <input name="invite-email" type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          Role
          <select name="invite-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary" disabled={pending}>
          Invite
        </button>
      </form>
      {error !== null && <ErrorBox error={error} />}
      {created && (
        <div class="notice code-once" role="status" data-testid="invitation-code">
          <p>
            Send this code to <strong>{created.email}</strong>. It is shown <strong>only now</strong>, works once, and expires {dateTime(created.expires_at)}. They sign in with that
            email and enter it under “Join a team”.
          </p>
          <p>
            <code class="wrap">{created.code}</code>{" "}
            <button type="button" class="small" onClick={() => void navigator.clipboard?.writeText(created.code)}>
              Copy
            </button>
          </p>
        </div>
      )}
      <h2>Open invitations</h2>
      <Loaded resource={invitations} what="Loading the invitations">
        {(list) => (
          <Table
            testId="invitations-table"
            rows={list.data.map((i) => ({ ...i, id: i.invitation_id }))}
            empty="No open invitations."
            columns={[
              { label: "Email", render: (i) => i.email },
              { label: "Role", render: (i) => i.role },
              { label: "Expires", render: (i) => dateTime(i.expires_at) },
              { label: "Invited by", render: (i) => i.invited_by },
              {
                label: "",
                render: (i) => (
                  <button type="button" class="small" onClick={() => void revoke(i)}>
                    Revoke
                  </button>
                ),
              },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}
