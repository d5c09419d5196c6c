// The dashboard's benchmark (infra/bench/web): JavaScript shipped, and the time from navigation to
// the summary drawn, next to the bare GET /summary measured in the same run. Prints tables.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { api, idToken, launch, orgId, stack, user, webUrl } from "../browser/harness.mjs";

const runs = Number(process.env.BENCH_RUNS ?? 15);
const dist = new URL("../../dist/assets/", import.meta.url).pathname;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];
const ms = (x) => x.toFixed(1).padStart(8);

console.log("\nShipped (web/dist/assets, gzip -9)");
console.log("file                               raw KB   gzip KB");
let jsGzip = 0;
for (const name of readdirSync(dist).sort()) {
  const raw = readFileSync(join(dist, name));
  const gz = gzipSync(raw, { level: 9 }).length;
  if (name.endsWith(".js")) jsGzip += gz;
  console.log(`${name.padEnd(32)} ${(raw.length / 1024).toFixed(1).padStart(8)} ${(gz / 1024).toFixed(1).padStart(9)}`);
}
console.log(`JavaScript, gzipped: ${(jsGzip / 1024).toFixed(1)} KB (target < 100 KB)`);

/**
 * The time to GET paths[0] from a fresh browser context at the dashboard's origin, no page code:
 * its CORS preflight and a new connection included; the other paths are asked for at the same time.
 */
async function fromFreshBrowser(browser, token, paths) {
  const context = await browser.newContext();
  try {
    const probe = await context.newPage();
    await probe.goto(`${webUrl}/config.json`);
    return await probe.evaluate(
      async ({ base, paths, token }) => {
        const started = performance.now();
        const [first] = await Promise.all(
          paths.map(async (path) => {
            const response = await fetch(base + path, { headers: { Authorization: token } });
            await response.text();
            if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status} in the browser`);
            return performance.now() - started;
          }),
        );
        return first;
      },
      { base: stack.api_url.replace(/\/+$/, ""), paths, token },
    );
  } finally {
    await context.close();
  }
}

const owner = user("owner");
const token = await idToken(owner.username, owner.password);
const session = { idToken: token, refreshToken: "unused-in-the-benchmark", expiresAt: Date.now() + 3_000_000 };
const browser = await launch();
const bare = [];
const bareInBrowser = [];
const besideInBrowser = [];
const page = [];
const phases = new Map(); // phase → [ms…]: where the page's time goes, from each run's timeline
try {
  for (let i = 0; i < runs + 2; i++) {
    const started = performance.now();
    const answer = await api(token, "GET", `/orgs/${orgId}/summary`);
    if (answer.status !== 200) throw new Error(`GET /summary answered ${answer.status}`);
    const bareMs = performance.now() - started;

    const inBrowserMs = await fromFreshBrowser(browser, token, [`/orgs/${orgId}/summary`]);
    const besideMs = await fromFreshBrowser(browser, token, [`/orgs/${orgId}/summary`, "/me", `/orgs/${orgId}`]);

    const context = await browser.newContext();
    await context.addInitScript((s) => {
      sessionStorage.setItem("agent-billy.session", JSON.stringify(s));
      // When each API answer's body reaches the page's code (resource timing ends at its last byte).
      window.__bodies = [];
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const t of list.getEntries()) window.__longTasks.push([t.startTime, t.duration]);
      }).observe({ type: "longtask", buffered: true });
      const fetch = window.fetch;
      window.fetch = async (input, init) => {
        const response = await fetch(input, init);
        const text = response.text.bind(response);
        response.text = async () => {
          const body = await text();
          window.__bodies.push([String(input), performance.now()]);
          return body;
        };
        return response;
      };
      new MutationObserver((_, observer) => {
        if (document.querySelector("[data-testid=summary]")) {
          observer.disconnect();
          window.__summaryInserted = performance.now();
          requestAnimationFrame(() => setTimeout(() => (window.__summaryDrawn = performance.now())));
        }
      }).observe(document, { childList: true, subtree: true });
    }, session);
    const tab = await context.newPage();
    await tab.goto(`${webUrl}/#/orgs/${orgId}/summary`);
    await tab.waitForFunction(() => window.__summaryDrawn !== undefined, null, { timeout: 30_000 });
    const drawn = await tab.evaluate(() => window.__summaryDrawn);
    const timeline = await tab.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const spans = [["document", 0, nav.responseEnd]];
      for (const r of performance.getEntriesByType("resource")) {
        const url = new URL(r.name);
        // Vite names the entry chunk index-<hash>.js (the boot) and the UI chunk app-<hash>.js.
        const what = url.pathname.endsWith(".js")
          ? url.pathname.includes("/index-")
            ? "boot script"
            : "UI script"
          : url.pathname.endsWith(".css")
            ? "stylesheet"
            : url.pathname.endsWith("/config.json")
              ? "config.json"
              : url.pathname.endsWith("/summary")
                ? "GET /summary"
                : url.pathname.endsWith("/me")
                  ? "GET /me"
                  : /\/orgs\/[^/]+$/.test(url.pathname)
                    ? "GET /orgs/{org}"
                    : null;
        if (what) spans.push([what, r.startTime, r.responseEnd]);
      }
      for (const [url, at] of window.__bodies) {
        const path = new URL(url, location.href).pathname;
        const what = path.endsWith("/summary") ? "summary" : path.endsWith("/me") ? "me" : /\/orgs\/[^/]+$/.test(path) ? "org" : null;
        if (what) spans.push([`${what} body read`, at, at]);
      }
      spans.push(["summary in the DOM", window.__summaryInserted, window.__summaryInserted]);
      return spans;
    });
    if (process.env.BENCH_TRACE) {
      const tasks = await tab.evaluate(() => window.__longTasks);
      console.log(`run ${i}: drawn ${drawn.toFixed(0)} ms; long tasks [start, ms]: ${JSON.stringify(tasks.map(([a, b]) => [Math.round(a), Math.round(b)]))}`);
      console.log(`  ${timeline.map(([w, a, b]) => `${w} ${Math.round(a)}${a === b ? "" : "–" + Math.round(b)}`).join(", ")}`);
    }
    await context.close();
    if (i >= 2) {
      bare.push(bareMs);
      bareInBrowser.push(inBrowserMs);
      besideInBrowser.push(besideMs);
      page.push(drawn);
      for (const [what, start, end] of timeline) {
        const marks = start === end ? [[what, start]] : [[`${what} starts`, start], [`${what} answered`, end]];
        for (const [key, value] of marks) {
          if (!phases.has(key)) phases.set(key, []);
          phases.get(key).push(value);
        }
      }
    }
  }
} finally {
  await browser.close();
}
const target = 1.5 * median(bare) + 1000 / 60;
console.log(`\nNavigation to the summary drawn, ${runs} runs after 2 warm-ups (a new browser context each: no cache)`);
console.log("                                    p50 ms   p90 ms");
console.log(`bare GET /orgs/{org}/summary     ${ms(median(bare))} ${ms(p90(bare))}`);
console.log(`the same, from a fresh browser   ${ms(median(bareInBrowser))} ${ms(p90(bareInBrowser))}   (its CORS preflight and a new connection)`);
console.log(`the same, beside /me and the org ${ms(median(besideInBrowser))} ${ms(p90(besideInBrowser))}   (the page's three first calls at once)`);
console.log(`page: navigation → summary drawn ${ms(median(page))} ${ms(p90(page))}`);
console.log(`target (1.5 × bare + one frame)  ${ms(target)}`);
console.log(`ratio page / bare (p50): ${(median(page) / median(bare)).toFixed(2)}`);
console.log("\nThe page's timeline (ms after navigation, p50 over the runs; API calls include their CORS preflight)");
for (const [key, values] of [...phases].sort((a, b) => median(a[1]) - median(b[1]))) {
  console.log(`${key.padEnd(32)} ${ms(median(values))}`);
}
console.log(`${"summary drawn".padEnd(32)} ${ms(median(page))}`);
