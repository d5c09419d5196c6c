/** A table of Stripe objects with cursor paging (next / previous over the API's opaque cursors). */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { ListPage } from "../api/types";
import { Empty, ErrorBox, Loading, useResource } from "./state";

export interface Column<T> {
  label: string;
  render: (row: T) => ComponentChildren;
  /** Right-aligned (amounts). */
  numeric?: boolean;
}

export function Table<T extends { id: string }>({ rows, columns, empty, testId }: { rows: T[]; columns: Column<T>[]; empty: ComponentChildren; testId?: string }) {
  if (rows.length === 0) return <Empty>{empty}</Empty>;
  return (
    <div class="table-wrap">
      <table data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} class={c.numeric ? "num" : undefined} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-id={row.id}>
              {columns.map((c) => (
                <td key={c.label} class={c.numeric ? "num" : undefined} data-label={c.label}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * One page of a list at a time. `queryKey` names the filters: when it changes the list starts
 * again at its first page (a cursor is bound to its filters).
 */
export function PagedTable<T extends { id: string }>({
  load,
  queryKey,
  columns,
  empty,
  testId,
  refresh = 0,
}: {
  load: (cursor: string | null) => Promise<ListPage<T>>;
  queryKey: string;
  columns: Column<T>[];
  empty: ComponentChildren;
  testId?: string;
  /** Bump to load the current page again (after an action). */
  refresh?: number;
}) {
  const [cursors, setCursors] = useState<{ key: string; stack: (string | null)[] }>({ key: queryKey, stack: [null] });
  const stack = cursors.key === queryKey ? cursors.stack : [null];
  const cursor = stack[stack.length - 1] ?? null;
  const page = useResource(() => load(cursor), [queryKey, cursor, refresh]);
  if (page.error) return <ErrorBox error={page.error} />;
  if (!page.data) return <Loading />;
  const { data, has_more, next_cursor } = page.data;
  return (
    <>
      <Table rows={data} columns={columns} empty={empty} testId={testId} />
      {(stack.length > 1 || has_more) && (
        <div class="pager">
          <button type="button" disabled={stack.length <= 1 || page.loading} onClick={() => setCursors({ key: queryKey, stack: stack.slice(0, -1) })}>
            ← Previous
          </button>
          <span class="muted">Page {stack.length}</span>
          <button type="button" disabled={!has_more || !next_cursor || page.loading} onClick={() => setCursors({ key: queryKey, stack: [...stack, next_cursor] })}>
            Next →
          </button>
        </div>
      )}
    </>
  );
}
