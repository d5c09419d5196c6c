/**
 * Manager actions: refund a charge, change or cancel a subscription. Each dialog holds one
 * Idempotency-Key for its whole life, so a double click, a retry after an error, or a second tab
 * sending the same form makes Stripe act once.
 */
import { useRef, useState } from "preact/hooks";
import { seg } from "../api/client";
import type { Role, StripeObject } from "../api/types";
import { useApp, useOrg } from "../context";
import { fractionDigits, money, parseAmount } from "../format";
import { Dialog } from "../ui/dialog";
import { ErrorBox } from "../ui/state";
import { subscriptionPrice, subscriptionQuantity } from "./columns";

/** Sends at most one request at a time, always with the dialog's own Idempotency-Key. */
function useSubmit<T>(send: (idempotencyKey: string) => Promise<T>, done: (result: T) => void) {
  const key = useRef(crypto.randomUUID());
  const inFlight = useRef(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event?: Event) => {
    event?.preventDefault();
    if (inFlight.current) return;
    inFlight.current = true;
    setPending(true);
    setError(null);
    try {
      done(await send(key.current));
    } catch (e) {
      setError(e);
    } finally {
      inFlight.current = false;
      setPending(false);
    }
  };
  return { submit, pending, error, setError };
}

const REASONS = [
  ["", "No reason given"],
  ["requested_by_customer", "Requested by the customer"],
  ["duplicate", "Duplicate charge"],
  ["fraudulent", "Fraudulent"],
] as const;

export function RefundDialog({ charge, onClose, onDone }: { charge: StripeObject; onClose: () => void; onDone: (refund: StripeObject) => void }) {
  const { api } = useApp();
  const { orgId } = useOrg();
  const refundable = Math.max(0, (charge.amount ?? 0) - (charge.amount_refunded ?? 0));
  const [amountText, setAmountText] = useState("");
  const [reason, setReason] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);
  const action = useSubmit(
    (idempotencyKey) => {
      const body: Record<string, unknown> = { charge: charge.id };
      if (amountText.trim()) body.amount = parseAmount(amountText, charge.currency);
      if (reason) body.reason = reason;
      return api.send<{ refund: StripeObject }>("POST", `/orgs/${seg(orgId)}/refunds`, body, { "Idempotency-Key": idempotencyKey });
    },
    (result) => onDone(result.refund),
  );
  const onSubmit = (event: Event) => {
    event.preventDefault();
    if (amountText.trim()) {
      const amount = parseAmount(amountText, charge.currency);
      if (amount === null) return setInvalid(`Enter an amount like ${fractionDigits(charge.currency) ? "12.50" : "1250"}, or leave it empty to refund everything left.`);
      if (amount > refundable) return setInvalid(`At most ${money(refundable, charge.currency)} is left to refund.`);
    }
    setInvalid(null);
    void action.submit();
  };
  return (
    <Dialog title="Refund charge" onClose={onClose}>
      <form onSubmit={onSubmit} class="form">
        <p>
          <strong>{money(charge.amount, charge.currency)}</strong> charged · {money(refundable, charge.currency)} refundable · <code>{charge.id}</code>
        </p>
        <label>
          Amount ({charge.currency?.toUpperCase()})
          <input name="amount" inputMode="decimal" autoComplete="off" placeholder={`All of ${money(refundable, charge.currency)}`} value={amountText} onInput={(e) => setAmountText(e.currentTarget.value)} />
        </label>
        <label>
          Reason
          <select name="reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
            {REASONS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {invalid && (
          <p class="field-error" role="alert">
            {invalid}
          </p>
        )}
        {action.error !== null && <ErrorBox error={action.error} />}
        <div class="actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
          <button type="submit" class="danger" disabled={action.pending}>
            {action.pending ? "Refunding…" : "Refund"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

const PAUSE = [
  ["", "Keep collecting"],
  ["keep_as_draft", "Pause: keep invoices as drafts"],
  ["mark_uncollectible", "Pause: mark invoices uncollectible"],
  ["void", "Pause: void invoices"],
  ["resume", "Resume collection"],
] as const;

export function ChangeSubscriptionDialog({ subscription, onClose, onDone }: { subscription: StripeObject; onClose: () => void; onDone: (s: StripeObject) => void }) {
  const { api } = useApp();
  const { orgId } = useOrg();
  const current = subscriptionQuantity(subscription) ?? 1;
  const items: StripeObject[] = subscription.items?.data ?? [];
  const [quantity, setQuantity] = useState(String(current));
  const [price, setPrice] = useState("");
  const [pause, setPause] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);
  const action = useSubmit(
    (idempotencyKey) => api.send<{ subscription: StripeObject }>("PATCH", `/orgs/${seg(orgId)}/subscriptions/${seg(subscription.id)}`, body(), { "Idempotency-Key": idempotencyKey }),
    (result) => onDone(result.subscription),
  );
  function body(): Record<string, unknown> {
    const change: Record<string, unknown> = {};
    const q = Number(quantity);
    if (q !== current) change.quantity = q;
    if (price.trim()) change.price = price.trim();
    if ((change.quantity !== undefined || change.price !== undefined) && items.length > 1) change.item = items[0]!.id;
    if (pause === "resume") change.pause_collection = null;
    else if (pause) change.pause_collection = { behavior: pause };
    return change;
  }
  const onSubmit = (event: Event) => {
    event.preventDefault();
    if (!/^\d{1,7}$/.test(quantity) || Number(quantity) < 1) return setInvalid("Quantity must be a whole number of at least 1.");
    if (Object.keys(body()).length === 0) return setInvalid("Nothing to change.");
    setInvalid(null);
    void action.submit();
  };
  return (
    <Dialog title="Change subscription" onClose={onClose}>
      <form onSubmit={onSubmit} class="form">
        <p>
          <code>{subscription.id}</code> · {subscriptionPrice(subscription)} × {current}
        </p>
        <label>
          Quantity
          <input name="quantity" inputMode="numeric" value={quantity} onInput={(e) => setQuantity(e.currentTarget.value)} />
        </label>
        <label>
          New price id (optional)
          <input name="price" placeholder="price_…" autoComplete="off" value={price} onInput={(e) => setPrice(e.currentTarget.value)} />
        </label>
        <label>
          Collection
          <select name="pause" value={pause} onChange={(e) => setPause(e.currentTarget.value)}>
            {PAUSE.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {invalid && (
          <p class="field-error" role="alert">
            {invalid}
          </p>
        )}
        {action.error !== null && <ErrorBox error={action.error} />}
        <div class="actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
          <button type="submit" class="primary" disabled={action.pending}>
            {action.pending ? "Saving…" : "Save change"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function CancelSubscriptionDialog({ subscription, onClose, onDone }: { subscription: StripeObject; onClose: () => void; onDone: (s: StripeObject) => void }) {
  const { api } = useApp();
  const { orgId } = useOrg();
  const [atPeriodEnd, setAtPeriodEnd] = useState(true);
  const action = useSubmit(
    (idempotencyKey) =>
      api.send<{ subscription: StripeObject }>("POST", `/orgs/${seg(orgId)}/subscriptions/${seg(subscription.id)}/cancel`, { at_period_end: atPeriodEnd }, { "Idempotency-Key": idempotencyKey }),
    (result) => onDone(result.subscription),
  );
  return (
    <Dialog title="Cancel subscription" onClose={onClose}>
      <form onSubmit={action.submit} class="form">
        <p>
          <code>{subscription.id}</code> · {subscriptionPrice(subscription)}
        </p>
        <label class="choice">
          <input type="radio" name="when" checked={atPeriodEnd} onChange={() => setAtPeriodEnd(true)} /> At the end of the current period
        </label>
        <label class="choice">
          <input type="radio" name="when" checked={!atPeriodEnd} onChange={() => setAtPeriodEnd(false)} /> Now
        </label>
        {action.error !== null && <ErrorBox error={action.error} />}
        <div class="actions">
          <button type="button" onClick={onClose}>
            Keep it
          </button>
          <button type="submit" class="danger" disabled={action.pending}>
            {action.pending ? "Cancelling…" : "Cancel subscription"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Which action dialog is open, for a list or a customer view. */
export type OpenAction = { kind: "refund" | "change" | "cancel"; object: StripeObject } | null;

export function ActionDialogs({ open, close, done }: { open: OpenAction; close: () => void; done: (message: string) => void }) {
  if (!open) return null;
  if (open.kind === "refund")
    return <RefundDialog charge={open.object} onClose={close} onDone={(refund) => done(`Refund ${refund.id} of ${money(refund.amount, refund.currency)}: ${refund.status ?? "created"}.`)} />;
  if (open.kind === "change") return <ChangeSubscriptionDialog subscription={open.object} onClose={close} onDone={(s) => done(`Subscription ${s.id} updated.`)} />;
  return <CancelSubscriptionDialog subscription={open.object} onClose={close} onDone={(s) => done(s.cancel_at_period_end ? `Subscription ${s.id} ends at the period's end.` : `Subscription ${s.id} canceled.`)} />;
}

/** Whether a role sees an actions column on a list of `kind`: refunds need a manager, changes an operator. */
export function hasRowActions(kind: string, can: (needed: Role) => boolean): boolean {
  return (kind === "charges" && can("manager")) || (kind === "subscriptions" && can("operator"));
}

/** The action buttons of a row that the caller's role allows. */
export function rowActions(kind: "charges" | "subscriptions", object: StripeObject, openAction: (a: OpenAction) => void, can: (needed: Role) => boolean) {
  if (kind === "charges") {
    if (!can("manager")) return null;
    const refundable = (object.amount ?? 0) - (object.amount_refunded ?? 0);
    if (object.status !== "succeeded" || refundable <= 0 || object.deleted) return null;
    return (
      <button type="button" class="small" onClick={() => openAction({ kind: "refund", object })}>
        Refund
      </button>
    );
  }
  if (["canceled", "incomplete_expired"].includes(object.status) || object.deleted) return null;
  return (
    <span class="row-actions">
      <button type="button" class="small" onClick={() => openAction({ kind: "change", object })}>
        Change
      </button>
      {can("manager") && (
        <button type="button" class="small" onClick={() => openAction({ kind: "cancel", object })}>
          Cancel
        </button>
      )}
    </span>
  );
}
