package com.agentbilly.domain.mirror;

import java.util.List;

/** A page of mirrored objects; {@code nextCursor} is null on the last page. */
public record ListPage(List<MirrorItem> items, String nextCursor) {

  public ListPage {
    items = List.copyOf(items);
  }

  public boolean hasMore() {
    return nextCursor != null;
  }
}
