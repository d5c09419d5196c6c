import { useState } from "preact/hooks";
import type { Session } from "../auth/session";
import { SignInFailed } from "../auth/cognito";

export function SignIn({ session, environment }: { session: Session; environment?: string }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(session.endedBecause);
  const [pending, setPending] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    setError(null);
    try {
      await session.signIn(username, password);
    } catch (e) {
      setError(e instanceof SignInFailed ? e.message : "Signing in failed. Try again.");
      setPending(false);
    }
  };
  return (
    <main class="sign-in">
      <form class="card form" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Agent Billy</h1>
        <p class="muted">Your team's Stripe billing, behind two locks.</p>
        <label>
          Email
          <input name="username" type="email" autoComplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
        {environment === "local" && <p class="muted small">Local stack: the demo users and their passwords are printed by make dev (and kept in .local/stack.json).</p>}
      </form>
    </main>
  );
}
