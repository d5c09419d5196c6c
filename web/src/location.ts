/** The hash route (#/orgs/<org>/customers), read without any UI code: the boot uses it too. */
export interface Location {
  /** Path segments, decoded: #/orgs/o1/customers → ["orgs", "o1", "customers"]. */
  segments: string[];
  query: URLSearchParams;
}

export function currentLocation(): Location {
  const hash = window.location.hash.replace(/^#/, "");
  const [path, query] = hash.split("?", 2);
  const segments = (path ?? "")
    .split("/")
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { segments, query: new URLSearchParams(query ?? "") };
}
