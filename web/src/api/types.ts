/** Response shapes of the HTTP contract (../shared/API.md, openapi.yaml). */

export type Role = "owner" | "manager" | "operator" | "viewer";
export type Purpose = "sync" | "manager" | "operator" | "viewer";
export const PURPOSES: Purpose[] = ["sync", "manager", "operator", "viewer"];

export interface Membership {
  org_id: string;
  org_name: string;
  role: Role;
}

export interface Me {
  user: { id: string; username: string };
  memberships: Membership[];
}

export interface KeyMetadata {
  purpose: Purpose;
  livemode: boolean;
  last4: string;
  fingerprint: string;
  verified_permissions: string[];
  connected_at: string;
  connected_by: string;
}

export interface SyncState {
  status: "never" | "queued" | "running" | "idle" | "failed";
  last_started_at: string | null;
  last_success_at: string | null;
  last_error: { code: string; message: string } | null;
  counts: Record<"customers" | "subscriptions" | "invoices" | "charges" | "products", number>;
}

export interface OrgDetails {
  org_id: string;
  name: string;
  mode: "test" | "live";
  stripe_account: string | null;
  keys: Record<Purpose, KeyMetadata | null>;
  webhook: { configured: boolean; url: string };
  sync: SyncState;
}

export interface ListPage<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/** A mirrored Stripe object: Stripe's own field names, plus synced_at. */
export interface StripeObject {
  id: string;
  object: string;
  created?: number;
  synced_at?: string;
  deleted?: boolean;
  [field: string]: any;
}

export interface CustomerView extends StripeObject {
  subscriptions: StripeObject[];
  invoices: StripeObject[];
  charges: StripeObject[];
}

export interface CurrencySummary {
  currency: string;
  mrr: number;
  active_subscriptions: number;
  past_due_subscriptions: number;
  trialing_subscriptions: number;
  revenue_30d: number;
  refunded_30d: number;
  failed_charges_30d: number;
}

export interface Summary {
  as_of: string;
  by_currency: CurrencySummary[];
}

export interface Member {
  user_id: string;
  username: string;
  role: Role;
  joined_at: string;
}

export interface Invitation {
  invitation_id: string;
  email: string;
  role: Role;
  expires_at: string;
  invited_by: string;
}

export interface CreatedInvitation extends Omit<Invitation, "invited_by"> {
  code: string;
}

/** A Stripe permission: its rak_* slug (the API answers `slug`) and the Dashboard's label. */
export interface Permission {
  slug?: string;
  permission?: string;
  label?: string;
}

export const slugOf = (p: Permission): string => p.slug ?? p.permission ?? "";

export type KeyRequirements = Record<
  Purpose,
  { read: Permission[]; write: Permission[]; forbidden_write: Permission[] }
>;

export interface AuditEntry {
  id: string;
  at: string;
  actor: { user_id: string; username: string; role: Role | null };
  action: string;
  target: string | null;
  outcome: "success" | "denied" | "failed" | "unknown";
  key_purpose: Purpose | null;
  request_id: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export interface AuditVerification {
  valid: boolean;
  entries: number;
  first_bad_id: string | null;
  /** False while the chain goes on past this step's bound: call again with `next_cursor`. */
  complete: boolean;
  next_cursor: string | null;
}
