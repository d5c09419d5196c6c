/** Loading, empty and error states, and the hook that loads what a page shows. */
import type { ComponentChildren } from "preact";
import { useCallback, useLayoutEffect, useRef, useState } from "preact/hooks";
import { describe, type HumanError, type Labels } from "../errors";

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs load() when deps change; keeps only the latest answer. It starts in a layout effect, right
 * after the render that needs it, not after the next paint: an answer already fetched (a prefetch)
 * is drawn a frame sooner.
 */
export function useResource<T>(load: () => Promise<T>, deps: unknown[]): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  useLayoutEffect(() => {
    const call = ++latest.current;
    setState((s) => ({ data: s.data, loading: true }));
    load().then(
      (data) => call === latest.current && setState({ data, loading: false }),
      (error) => call === latest.current && setState({ error, loading: false }),
    );
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <p class="state loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>;
}

export function ErrorBox({ error, labels }: { error: unknown; labels?: Labels }) {
  const human: HumanError = describe(error, labels);
  return (
    <div class="error-box" role="alert">
      <strong>{human.title}</strong>
      {human.detail && <p>{human.detail}</p>}
      {human.list?.map((group) => (
        <div key={group.heading} class="error-list">
          <span>{group.heading}:</span>
          <ul>
            {group.items.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

/** A resource's three states in one place; children render the data. */
export function Loaded<T>({ resource, what, children }: { resource: Resource<T>; what?: string; children: (data: T) => ComponentChildren }) {
  if (resource.error) return <ErrorBox error={resource.error} />;
  if (resource.data === undefined) return <Loading what={what} />;
  return <>{children(resource.data)}</>;
}
