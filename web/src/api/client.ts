/**
 * The one way the dashboard calls the API: the Cognito ID token in Authorization, JSON in and
 * out, every failure turned into an ApiError that carries the contract's error code.
 */
import type { Session } from "../auth/session";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The contract's error code, or a gateway/transport one: unauthorized, throttled, network. */
    readonly code: string,
    message: string,
    /** The error object's other fields: missing, excess, fields, purpose… */
    readonly extra: Record<string, any> = {},
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

/** How long a GET's answer is reused by the same GET (a prefetch and the page that asks again). */
const SHARED_GET_MS = 1_000;

export class Api {
  private readonly sharedGets = new Map<string, { answer: Promise<unknown>; settled?: number }>();

  constructor(
    private readonly baseUrl: string,
    private readonly session: Session,
  ) {}

  /** A GET; the same GET already in flight (or answered within a second) is shared, not sent twice. */
  get<T>(path: string, query: Query = {}): Promise<T> {
    const target = path + queryString(query);
    const shared = this.sharedGets.get(target);
    if (shared && (shared.settled === undefined || Date.now() - shared.settled < SHARED_GET_MS)) return shared.answer as Promise<T>;
    const entry: { answer: Promise<unknown>; settled?: number } = { answer: this.call<T>("GET", target) };
    this.sharedGets.set(target, entry);
    entry.answer.then(
      () => (entry.settled = Date.now()),
      () => this.sharedGets.delete(target),
    );
    return entry.answer as Promise<T>;
  }

  /** Starts GETs a page is about to make, so they run beside the ones it must wait for. */
  prefetch(...paths: string[]): void {
    for (const path of paths) this.get(path).catch(() => undefined);
  }

  send<T>(method: "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    this.sharedGets.clear(); // a change: what was read before may be stale now
    return this.call<T>(method, path, body, headers);
  }

  private async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let token = await this.session.idToken();
    if (!token) throw new ApiError(401, "unauthorized", "Sign in first.");
    let response = await this.fetch(method, path, token, body, headers);
    if (response.status === 401) {
      token = await this.session.renew();
      if (!token) throw new ApiError(401, "unauthorized", "Your session has ended. Sign in again.");
      response = await this.fetch(method, path, token, body, headers);
      if (response.status === 401) {
        this.session.signOut("Your session has ended. Sign in again.");
        throw new ApiError(401, "unauthorized", "Your session has ended. Sign in again.");
      }
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (response.ok) return json as T;
    if (json?.error?.code) {
      const { code, message, ...extra } = json.error;
      throw new ApiError(response.status, code, String(message ?? ""), extra);
    }
    if (response.status === 429) throw new ApiError(429, "throttled", String(json?.message ?? "Too Many Requests"));
    throw new ApiError(response.status, "gateway", String(json?.message ?? `HTTP ${response.status}`));
  }

  private async fetch(method: string, path: string, token: string, body: unknown, headers: Record<string, string>): Promise<Response> {
    try {
      return await fetch(this.baseUrl + path, {
        method,
        headers: {
          Authorization: token,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, "network", "The API could not be reached.");
    }
  }
}

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? "?" + text : "";
}

/** A path segment, encoded. */
export const seg = (value: string): string => encodeURIComponent(value);
