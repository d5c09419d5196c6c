/** The dashboard's UI, loaded beside the boot's first API calls (main.ts). */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Api } from "./api/client";
import type { Session } from "./auth/session";
import type { WebConfig } from "./config";
import { SignedIn } from "./shell";
import { SignIn } from "./pages/sign-in";
import "./styles.css";

function Root({ config, session, api }: { config: WebConfig; session: Session; api: Api }) {
  const [, setVersion] = useState(0);
  useEffect(() => session.onChange(() => setVersion((v) => v + 1)), [session]);
  return session.signedIn ? <SignedIn api={api} session={session} /> : <SignIn session={session} environment={config.environment} />;
}

export function mount(into: HTMLElement, config: WebConfig, session: Session, api: Api): void {
  into.replaceChildren(); // the "Loading…" placeholder of index.html
  render(<Root config={config} session={session} api={api} />, into);
}
