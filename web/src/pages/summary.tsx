/** The org at a glance: MRR per currency, subscriptions by state, the last 30 days. */
import { seg } from "../api/client";
import type { CurrencySummary, Summary } from "../api/types";
import { useApp, useOrg } from "../context";
import { dateTime, money } from "../format";
import { href } from "../router";
import { BarChart, StackedBar } from "../ui/chart";
import { Empty, Loaded, useResource } from "../ui/state";

export function SummaryPage() {
  const { api } = useApp();
  const { orgId, org } = useOrg();
  const summary = useResource(() => api.get<Summary>(`/orgs/${seg(orgId)}/summary`), [orgId]);
  return (
    <section>
      <h1>Summary</h1>
      <Loaded resource={summary} what="Loading the summary">
        {(s) =>
          s.by_currency.length === 0 ? (
            <Empty>
              Nothing to show yet.{" "}
              {org.data?.sync.status === "never" ? (
                <>
                  The mirror has not been synced: see <a href={href("orgs", orgId, "sync")}>Sync</a>.
                </>
              ) : (
                "No subscriptions or charges in the mirror."
              )}
            </Empty>
          ) : (
            <>
              <p class="muted">As of {dateTime(s.as_of)} · last 30 days in UTC</p>
              <div class="currency-grid" data-testid="summary">
                {s.by_currency.map((c) => (
                  <CurrencyCard key={c.currency} figures={c} />
                ))}
              </div>
            </>
          )
        }
      </Loaded>
    </section>
  );
}

function CurrencyCard({ figures: c }: { figures: CurrencySummary }) {
  const cur = c.currency;
  return (
    <article class="card" data-currency={cur}>
      <header>
        <h2>{cur.toUpperCase()}</h2>
      </header>
      <div class="kpis">
        <div class="kpi">
          <span class="kpi-label">MRR</span>
          <span class="kpi-value" data-testid={`mrr-${cur}`}>
            {money(c.mrr, cur)}
          </span>
        </div>
        <div class="kpi">
          <span class="kpi-label">Revenue, 30 d</span>
          <span class="kpi-value">{money(c.revenue_30d, cur)}</span>
        </div>
        <div class="kpi">
          <span class="kpi-label">Refunded, 30 d</span>
          <span class="kpi-value">{money(c.refunded_30d, cur)}</span>
        </div>
        <div class="kpi">
          <span class="kpi-label">Failed charges, 30 d</span>
          <span class={c.failed_charges_30d ? "kpi-value bad" : "kpi-value"}>{c.failed_charges_30d}</span>
        </div>
      </div>
      <StackedBar
        title="Subscriptions"
        parts={[
          { label: "Active", value: c.active_subscriptions, text: String(c.active_subscriptions), tone: "good" },
          { label: "Past due", value: c.past_due_subscriptions, text: String(c.past_due_subscriptions), tone: "bad" },
          { label: "Trialing", value: c.trialing_subscriptions, text: String(c.trialing_subscriptions), tone: "neutral" },
        ]}
      />
      <BarChart
        title="Money in and out, 30 days"
        bars={[
          { label: "Revenue", value: c.revenue_30d, text: money(c.revenue_30d, cur), tone: "good" },
          { label: "Refunded", value: c.refunded_30d, text: money(c.refunded_30d, cur), tone: "warn" },
          { label: "Net", value: Math.max(0, c.revenue_30d - c.refunded_30d), text: money(c.revenue_30d - c.refunded_30d, cur), tone: "neutral" },
        ]}
      />
    </article>
  );
}
