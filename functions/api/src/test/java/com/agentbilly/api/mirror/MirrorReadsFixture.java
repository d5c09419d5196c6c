package com.agentbilly.api.mirror;

import com.agentbilly.port.MirrorStore;
import com.agentbilly.port.StripeObjectFetcher;
import com.agentbilly.testing.InMemoryKeyVault;

/** Mirror reads for tests that do not read live: the org has no viewer key. */
public final class MirrorReadsFixture {

  private MirrorReadsFixture() {}

  /** Reads of {@code store}; a live read answers {@code key_not_connected}, as without a key. */
  public static MirrorReads withoutKeys(MirrorStore store) {
    StripeObjectFetcher unreachable =
        (org, type, id) -> {
          throw new StripeObjectFetcher.Unavailable("no Stripe in this test");
        };
    return new MirrorReads(store, new LiveReads(new InMemoryKeyVault(), unreachable, store));
  }
}
