/** Hash routes (#/orgs/<org>/customers): static hosting needs no rewrite rules. */
import { useEffect, useState } from "preact/hooks";
import { currentLocation, type Location } from "./location";

export function useLocation(): Location {
  const [location, setLocation] = useState(currentLocation);
  useEffect(() => {
    const update = () => setLocation(currentLocation());
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
