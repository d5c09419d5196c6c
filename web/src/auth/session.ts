/**
 * The signed-in session. Tokens live in sessionStorage (this tab only, gone when it closes) —
 * never localStorage. The ID token is renewed with the refresh token a minute before it expires.
 */
import type { WebConfig } from "../config";
import { decodeClaims, refresh, signIn, SignInFailed, type Tokens } from "./cognito";

const STORAGE_KEY = "agent-billy.session";
const RENEW_BEFORE_MS = 60_000;

export interface SessionUser {
  username: string;
  email: string;
}

type Listener = () => void;

export class Session {
  private tokens: Tokens | null;
  private renewing: Promise<string | null> | null = null;
  private readonly listeners = new Set<Listener>();
  /** Why the last session ended, shown on the sign-in page. */
  endedBecause: string | null = null;

  constructor(private readonly config: WebConfig) {
    this.tokens = read();
  }

  get signedIn(): boolean {
    return this.tokens !== null;
  }

  get user(): SessionUser | null {
    if (!this.tokens) return null;
    const claims = decodeClaims(this.tokens.idToken);
    return {
      username: String(claims["cognito:username"] ?? claims.email ?? ""),
      email: String(claims.email ?? claims["cognito:username"] ?? ""),
    };
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async signIn(username: string, password: string): Promise<void> {
    this.tokens = await signIn(this.config, username.trim(), password);
    this.endedBecause = null;
    write(this.tokens);
    this.emit();
  }

  signOut(reason: string | null = null): void {
    this.tokens = null;
    this.endedBecause = reason;
    sessionStorage.removeItem(STORAGE_KEY);
    this.emit();
  }

  /** A valid ID token, renewed first when it is about to expire; null when signed out. */
  async idToken(): Promise<string | null> {
    if (!this.tokens) return null;
    if (this.tokens.expiresAt - Date.now() > RENEW_BEFORE_MS) return this.tokens.idToken;
    return this.renew();
  }

  /** Renews the ID token now (after a 401); signs out when the refresh token is refused. */
  renew(): Promise<string | null> {
    if (!this.tokens) return Promise.resolve(null);
    this.renewing ??= (async () => {
      try {
        this.tokens = await refresh(this.config, this.tokens!.refreshToken);
        write(this.tokens);
        return this.tokens.idToken;
      } catch (e) {
        if (e instanceof SignInFailed && e.kind === "unavailable") throw e;
        this.signOut("Your session has ended. Sign in again.");
        return null;
      } finally {
        this.renewing = null;
      }
    })();
    return this.renewing;
  }

  private emit(): void {
    this.listeners.forEach((listener) => listener());
  }
}

function read(): Tokens | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null");
    return stored?.idToken && stored?.refreshToken ? stored : null;
  } catch {
    return null;
  }
}

function write(tokens: Tokens): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(tokens));
}
