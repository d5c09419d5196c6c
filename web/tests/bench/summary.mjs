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

const owner = user("owner");
const token = await idToken(owner.username, owner.password);
const session = { idToken: token, refreshToken: "unused-in-the-benchmark", expiresAt: Date.now() + 3_000_000 };
const browser = await launch();
const bare = [];
const page = [];
try {
  for (let i = 0; i < runs + 2; i++) {
    const started = performance.now();
    const answer = await api(token, "GET", `/orgs/${orgId}/summary`);
    if (answer.status !== 200) throw new Error(`GET /summary answered ${answer.status}`);
    const bareMs = performance.now() - started;

    const context = await browser.newContext();
    await context.addInitScript((s) => {
      sessionStorage.setItem("agent-billy.session", JSON.stringify(s));
      new MutationObserver((_, observer) => {
        if (document.querySelector("[data-testid=summary]")) {
          observer.disconnect();
          requestAnimationFrame(() => setTimeout(() => (window.__summaryDrawn = performance.now())));
        }
      }).observe(document, { childList: true, subtree: true });
    }, session);
    const tab = await context.newPage();
    await tab.goto(`${webUrl}/#/orgs/${orgId}/summary`);
    await tab.waitForFunction(() => window.__summaryDrawn !== undefined, null, { timeout: 30_000 });
    const drawn = await tab.evaluate(() => window.__summaryDrawn);
    await context.close();
    if (i >= 2) {
      bare.push(bareMs);
      page.push(drawn);
    }
  }
} finally {
  await browser.close();
}
const target = 1.5 * median(bare) + 1000 / 60;
console.log(`\nNavigation to the summary drawn, ${runs} runs after 2 warm-ups (a new browser context each: no cache)`);
console.log("                                    p50 ms   p90 ms");
console.log(`bare GET /orgs/{org}/summary     ${ms(median(bare))} ${ms(p90(bare))}`);
console.log(`page: navigation → summary drawn ${ms(median(page))} ${ms(p90(page))}`);
console.log(`target (1.5 × bare + one frame)  ${ms(target)}`);
console.log(`ratio page / bare (p50): ${(median(page) / median(bare)).toFixed(2)}`);
