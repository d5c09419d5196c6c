import { render } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { Api } from "./api/client";
import { Session } from "./auth/session";
import { ConfigUnavailable, loadConfig, type WebConfig } from "./config";
import { SignedIn } from "./shell";
import { SignIn } from "./pages/sign-in";
import "./styles.css";

function Root({ config }: { config: WebConfig }) {
  const session = useMemo(() => new Session(config), [config]);
  const api = useMemo(() => new Api(config.api_url, session), [session]);
  const [, setVersion] = useState(0);
  useEffect(() => session.onChange(() => setVersion((v) => v + 1)), [session]);
  return session.signedIn ? <SignedIn api={api} session={session} /> : <SignIn session={session} environment={config.environment} />;
}

async function start(): Promise<void> {
  const app = document.getElementById("app")!;
  try {
    const config = await loadConfig();
    app.replaceChildren(); // the "Loading…" placeholder of index.html
    render(<Root config={config} />, app);
  } catch (e) {
    const message = e instanceof ConfigUnavailable ? e.message : "The dashboard could not start.";
    app.innerHTML = "";
    const p = document.createElement("p");
    p.className = "boot";
    p.textContent = message;
    app.append(p);
    if (e instanceof ConfigUnavailable && message.includes("starting")) setTimeout(start, 2000);
  }
}

void start();
