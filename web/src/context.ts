/** What every page can reach: the API, the session, who the user is, and the org in view. */
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Api } from "./api/client";
import type { Me, OrgDetails, Role } from "./api/types";
import type { Session } from "./auth/session";
import type { Resource } from "./ui/state";

export interface AppContext {
  api: Api;
  session: Session;
  me: Me;
  reloadMe: () => void;
}

export interface OrgContext {
  orgId: string;
  role: Role;
  org: Resource<OrgDetails>;
  /** Whether the caller's role is at least `needed` (owner ⊃ manager ⊃ operator ⊃ viewer). */
  can: (needed: Role) => boolean;
}

export const App = createContext<AppContext | null>(null);
export const Org = createContext<OrgContext | null>(null);

export function useApp(): AppContext {
  const app = useContext(App);
  if (!app) throw new Error("useApp outside the signed-in app");
  return app;
}

export function useOrg(): OrgContext {
  const org = useContext(Org);
  if (!org) throw new Error("useOrg outside an org page");
  return org;
}

const RANK: Record<Role, number> = { viewer: 1, operator: 2, manager: 3, owner: 4 };

export function atLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
