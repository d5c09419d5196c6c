/** The signed-in frame: who you are, which team, the navigation, and the page in view. */
import { useMemo, useState } from "preact/hooks";
import type { Api } from "./api/client";
import { seg } from "./api/client";
import type { Me, OrgDetails, Role } from "./api/types";
import type { Session } from "./auth/session";
import { App, atLeast, Org, useApp, type OrgContext } from "./context";
import { AuditPage } from "./pages/audit";
import { CustomerPage, CustomersPage } from "./pages/customers";
import { KeysPage } from "./pages/keys";
import { ObjectListPage, OBJECT_LISTS } from "./pages/lists";
import { OrgPicker } from "./pages/orgs";
import { SummaryPage } from "./pages/summary";
import { SyncPage } from "./pages/sync";
import { TeamPage } from "./pages/team";
import { href, useLocation } from "./router";
import { prefetchLanding } from "./landing";
import { ErrorBox, Loading, useResource } from "./ui/state";
import { notFound } from "./pages/lists";

export function SignedIn({ api, session }: { api: Api; session: Session }) {
  const location = useLocation();
  const me = useResource(() => prefetchLanding(api), []);
  if (me.error) {
    return (
      <Frame session={session}>
        <ErrorBox error={me.error} />
      </Frame>
    );
  }
  if (!me.data) {
    return (
      <Frame session={session}>
        <Loading what="Signing in" />
      </Frame>
    );
  }
  const app = { api, session, me: me.data, reloadMe: me.reload };
  const [first, orgId, page, id] = location.segments;
  const membership = first === "orgs" && orgId ? me.data.memberships.find((m) => m.org_id === orgId) : undefined;
  return (
    <App.Provider value={app}>
      <Frame session={session} me={me.data}>
        {first === "orgs" && orgId ? (
          membership ? (
            <OrgFrame key={orgId} orgId={orgId} role={membership.role} page={page ?? "summary"} id={id} />
          ) : (
            <div class="page">
              <ErrorBox error={notFound} />
              <p>
                You are not a member of this team. <a href={href()}>Choose a team</a>.
              </p>
            </div>
          )
        ) : (
          <OrgPicker autoOpen={location.query.get("pick") !== "1"} />
        )}
      </Frame>
    </App.Provider>
  );
}

function Frame({ session, me, children }: { session: Session; me?: Me; children: preact.ComponentChildren }) {
  return (
    <div class="app">
      <header class="topbar">
        <a class="brand" href={href() + "?pick=1"}>
          Agent Billy
        </a>
        <span class="spacer" />
        {me && (
          <span class="who" data-testid="signed-in-as">
            {me.user.username}
          </span>
        )}
        <button type="button" class="link" onClick={() => session.signOut()}>
          Sign out
        </button>
      </header>
      {children}
    </div>
  );
}

interface NavItem {
  page: string;
  label: string;
  role: Role;
}

const NAV: NavItem[] = [
  { page: "summary", label: "Summary", role: "viewer" },
  { page: "customers", label: "Customers", role: "viewer" },
  ...OBJECT_LISTS.map((list) => ({ page: list.type, label: list.title, role: "viewer" as Role })),
  { page: "sync", label: "Sync", role: "viewer" },
  { page: "keys", label: "Keys", role: "viewer" },
  { page: "team", label: "Team", role: "viewer" },
  { page: "audit", label: "Audit log", role: "owner" },
];

function OrgFrame({ orgId, role, page, id }: { orgId: string; role: Role; page: string; id?: string }) {
  const { api } = useApp();
  const org = useResource(() => api.get<OrgDetails>(`/orgs/${seg(orgId)}`), [orgId]);
  const context: OrgContext = useMemo(() => ({ orgId, role, org, can: (needed: Role) => atLeast(role, needed) }), [orgId, role, org]);
  const [menuOpen, setMenuOpen] = useState(false);
  const visible = NAV.filter((item) => atLeast(role, item.role));
  return (
    <Org.Provider value={context}>
      <div class="org-layout">
        <nav class={menuOpen ? "sidebar open" : "sidebar"} aria-label="Team pages">
          <div class="org-title">
            <strong data-testid="org-name">{org.data?.name ?? "…"}</strong>
            <span class="badges">
              {org.data && <span class={`badge mode-${org.data.mode}`}>{org.data.mode}</span>}
              <span class="badge role" data-testid="role">
                {role}
              </span>
            </span>
            <button type="button" class="menu-toggle" aria-expanded={menuOpen} onClick={() => setMenuOpen(!menuOpen)}>
              Menu
            </button>
          </div>
          <ul onClick={() => setMenuOpen(false)}>
            {visible.map((item) => (
              <li key={item.page}>
                <a href={href("orgs", orgId, item.page)} aria-current={item.page === page ? "page" : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main class="page">{route(page, id, role)}</main>
      </div>
    </Org.Provider>
  );
}

function route(page: string, id: string | undefined, role: Role) {
  const list = OBJECT_LISTS.find((l) => l.type === page);
  if (page === "summary") return <SummaryPage />;
  if (page === "customers") return id ? <CustomerPage id={id} /> : <CustomersPage />;
  if (list) return <ObjectListPage key={list.type} list={list} id={id} />;
  if (page === "sync") return <SyncPage />;
  if (page === "keys") return <KeysPage />;
  if (page === "team") return <TeamPage />;
  if (page === "audit" && atLeast(role, "owner")) return <AuditPage />;
  return <ErrorBox error={notFound} />;
}
