package com.agentbilly.api.summary;

import com.agentbilly.domain.summary.CurrencySummary;
import com.agentbilly.domain.summary.OrgSummary;
import com.agentbilly.http.ApiRequest;
import com.agentbilly.http.ApiResponse;
import com.agentbilly.http.ApiRouter;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Set;

/** {@code GET /orgs/{org}/summary}, for any member. */
public final class SummaryRoutes {

  private final SummaryReads reads;

  public SummaryRoutes(SummaryReads reads) {
    this.reads = reads;
  }

  public ApiRouter.Builder addTo(ApiRouter.Builder router) {
    return router.route("GET", "/orgs/{org}/summary", this::summary);
  }

  ApiResponse summary(ApiRequest request) {
    request.allowOnlyQueryParameters(Set.of());
    return ApiResponse.ok(SummaryView.of(reads.summary(request.requireOrg())));
  }

  /** The contract's shape: {@code as_of} and one line per currency. */
  record SummaryView(String asOf, List<CurrencyView> byCurrency) {

    static SummaryView of(OrgSummary summary) {
      return new SummaryView(
          summary.asOf().toString(), summary.byCurrency().stream().map(CurrencyView::of).toList());
    }
  }

  record CurrencyView(
      String currency,
      long mrr,
      long activeSubscriptions,
      long pastDueSubscriptions,
      long trialingSubscriptions,
      @JsonProperty("revenue_30d") long revenue30d,
      @JsonProperty("refunded_30d") long refunded30d,
      @JsonProperty("failed_charges_30d") long failedCharges30d) {

    static CurrencyView of(CurrencySummary line) {
      return new CurrencyView(
          line.currency(),
          line.mrr(),
          line.activeSubscriptions(),
          line.pastDueSubscriptions(),
          line.trialingSubscriptions(),
          line.revenue30d(),
          line.refunded30d(),
          line.failedCharges30d());
    }
  }
}
