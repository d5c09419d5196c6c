/**
 * The boot: reads the config, restores the session and starts the first page's API calls, while
 * the UI (app.tsx, Preact and the pages) is still downloading. Small on purpose: it is on the path
 * from navigation to the first figures drawn.
 */
import { Api } from "./api/client";
import { Session } from "./auth/session";
import { ConfigUnavailable, loadConfig } from "./config";
import { prefetchLanding } from "./landing";

const ui = import("./app");

async function start(): Promise<void> {
  const app = document.getElementById("app")!;
  try {
    const config = await loadConfig();
    const session = new Session(config);
    const api = new Api(config.api_url, session);
    // A returning tab asks for what its first page shows before the UI has even loaded.
    if (session.signedIn) prefetchLanding(api);
    (await ui).mount(app, config, session, api);
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
