import { seg, type Api } from "./api/client";
import type { Me } from "./api/types";
import { currentLocation } from "./location";

/**
 * Asks for /me and, on an org page, for the org and (the landing page) its summary beside it, not
 * after it. Answers are shared with the pages that ask again (Api.get), so calling this twice is free.
 */
export function prefetchLanding(api: Api): Promise<Me> {
  const [first, org, page] = currentLocation().segments;
  if (first === "orgs" && org) api.prefetch(`/orgs/${seg(org)}`, ...((page ?? "summary") === "summary" ? [`/orgs/${seg(org)}/summary`] : []));
  return api.get<Me>("/me");
}
