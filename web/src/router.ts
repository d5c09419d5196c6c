/** Hash routes (#/orgs/<org>/customers): static hosting needs no rewrite rules. */
import { useEffect, useState } from "preact/hooks";

export interface Location {
  /** Path segments, decoded: #/orgs/o1/customers → ["orgs", "o1", "customers"]. */
  segments: string[];
  query: URLSearchParams;
}

function current(): Location {
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

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return location;
}

/** The href of a dashboard page; segments are encoded. */
export function href(...segments: string[]): string {
  return "#/" + segments.map(encodeURIComponent).join("/");
}

export function navigate(to: string): void {
  if (window.location.hash !== to) window.location.hash = to;
}
