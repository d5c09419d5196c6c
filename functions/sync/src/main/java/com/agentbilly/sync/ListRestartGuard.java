package com.agentbilly.sync;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Notices a list that silently started over: localstripe answers a {@code starting_after} that
 * names a deleted object with page 1 again. A later page that shows the type's first object ({@code
 * head}) again, or any id already seen in this run, means the list restarted; the type is then
 * ended where it is instead of being listed round and round.
 */
public final class ListRestartGuard {

  private String head;
  private final Set<String> seen = new HashSet<>();

  /**
   * @param head the first id of the type's first page, from the checkpoint; null before the first
   *     page
   */
  public ListRestartGuard(String head) {
    this.head = head;
  }

  /**
   * Whether a page that was asked to start after some object is in fact the list starting over.
   * Remembers the page's ids.
   *
   * @param afterAnotherPage true when the request named a {@code starting_after}
   */
  public boolean restarted(List<String> pageIds, boolean afterAnotherPage) {
    if (!afterAnotherPage && head == null && !pageIds.isEmpty()) {
      head = pageIds.get(0);
    }
    boolean restarted = false;
    for (String id : pageIds) {
      if (!seen.add(id) || (afterAnotherPage && id.equals(head))) {
        restarted = true;
      }
    }
    return restarted;
  }

  /** The type's first id, once known: kept in the checkpoint for the runs that resume. */
  public String head() {
    return head;
  }
}
