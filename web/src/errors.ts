/**
 * Every error code of the contract as a message a person can act on. The server's own message is
 * shown beside it only where it adds the particulars (which field, what Stripe said).
 */
import { ApiError } from "./api/client";

export type Labels = (permission: string) => string;

export interface HumanError {
  title: string;
  detail?: string;
  list?: { heading: string; items: string[] }[];
}

const plain = (title: string, detail?: string): HumanError => ({ title, detail });

export function describe(error: unknown, labelOf: Labels = (p) => p): HumanError {
  if (!(error instanceof ApiError)) {
    return plain("Something went wrong in the dashboard.", error instanceof Error ? error.message : undefined);
  }
  const server = error.message || undefined;
  switch (error.code) {
    case "invalid_request":
      return plain("The request was not understood.", server);
    case "invalid_cursor":
      return plain("This page of results has expired. Go back to the first page.");
    case "forbidden":
      return plain("Your role in this team does not allow this.", "An owner can change your role on the Team page.");
    case "not_found":
      return plain("Not found.", "It may have been deleted, or you are not a member of this team.");
    case "key_not_connected":
      return plain(
        `This needs the ${error.extra.purpose ?? "matching"} key, which is not connected.`,
        "An owner can connect it on the Keys page.",
      );
    case "last_owner":
      return plain("A team always keeps at least one owner.", "Make someone else an owner first.");
    case "request_in_progress":
      return plain("This request is still being processed.", "Wait a moment, then reload to see its result.");
    case "payload_too_large":
      return plain("That is too large to send.");
    case "validation_failed": {
      const fields = Object.entries(error.extra.fields ?? {}).map(([field, why]) => `${field}: ${why}`);
      return { title: "Some values are not acceptable.", detail: fields.length ? undefined : server, list: fields.length ? [{ heading: "Fix", items: fields }] : undefined };
    }
    case "rate_limited":
      // Our own per-member quota says when it renews; Stripe's throttling does not.
      if (typeof error.extra.retry_after === "number")
        return plain("You are sending requests faster than your share of the API allows.", `Try again in ${error.extra.retry_after} s.`);
      return plain("Stripe is busy and keeps asking us to slow down.", "Try again in a minute.");
    case "throttled":
      return plain("Too many requests at once.", "Wait a few seconds and try again.");
    case "stripe_unavailable":
      return plain("Stripe could not be reached.", "Nothing was changed. Try again shortly.");
    case "stripe_resource_missing":
      return plain("Stripe no longer has this object.", "Reload the page to see the latest data.");
    case "stripe_invalid_request":
      return plain("Stripe refused the request.", server);
    case "stripe_permission_denied":
      return plain(
        "Stripe refused: the connected key does not allow this.",
        "The restricted key is the second lock, and it held. An owner can check the key's permissions on the Keys page.",
      );
    case "secret_key_rejected":
      return plain(
        "That is a secret key. Agent Billy accepts restricted keys only.",
        "Nothing was stored. In the Stripe Dashboard open Developers → API keys → Create restricted key, tick exactly the permissions listed for this purpose, and paste the rk_… key here. If the secret key was shared anywhere, roll it.",
      );
    case "invalid_key_format":
      return plain("That is not a restricted key.", "Restricted keys start with rk_test_ or rk_live_. Nothing was stored.");
    case "key_mode_mismatch":
      return plain("The key is for the other mode.", "A test-mode team takes rk_test_ keys, a live-mode team rk_live_ keys.");
    case "key_invalid":
      return plain("Stripe does not know this key.", "It may have been deleted or rolled. Create a new restricted key.");
    case "missing_permissions":
    case "excess_permissions": {
      const list: HumanError["list"] = [];
      if (error.extra.missing?.length) list.push({ heading: "Missing — tick these", items: error.extra.missing.map(labelOf) });
      if (error.extra.excess?.length) list.push({ heading: "Must not have — untick these", items: error.extra.excess.map(labelOf) });
      return {
        title: error.code === "excess_permissions" ? "The key can do more than this purpose may." : "The key lacks permissions this purpose needs.",
        detail: "Nothing was stored. Edit the key's permissions in the Stripe Dashboard, then connect it again.",
        list,
      };
    }
    case "key_account_mismatch":
      return plain("This key belongs to another Stripe account.", "Every key of a team must come from the same Stripe account as its first key.");
    case "invalid_webhook_secret":
      return plain("That is not a webhook signing secret.", "Signing secrets start with whsec_; copy it from the endpoint's page in the Stripe Dashboard.");
    case "internal":
      return plain("Something went wrong on our side.", server ? `${server} If this was a refund or a change, retrying is safe.` : undefined);
    case "unauthorized":
      return plain("Your session has ended.", "Sign in again.");
    case "network":
      return plain("The API could not be reached.", "Check your connection and try again.");
    default:
      return plain(`The request failed (${error.status || "no answer"}).`, server);
  }
}
