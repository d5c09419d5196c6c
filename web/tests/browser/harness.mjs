// Shared by the browser tests: the stack file, Debian's chromium through playwright-core, signing
// in as a demo user the way a person does, calls to the API and to moto as a test sees them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const stack = JSON.parse(readFileSync(process.env.STACK_FILE, "utf8"));
export const webUrl = process.env.WEB_URL ?? stack.web_url;
export const orgId = stack.demo_org_id;
const screenshotDir = process.env.SCREENSHOT_DIR;

export function user(role) {
  const found = stack.users.find((u) => u.role === role);
  if (!found) throw new Error(`no demo user with role ${role}`);
  return found;
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A fresh browser context (its own sessionStorage), signed in through the sign-in form. */
export async function signedIn(browser, role, viewport = { width: 1280, height: 860 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(webUrl);
  const u = role === "outsider" ? stack.users.find((x) => x.role === null) : user(role);
  await page.getByLabel("Email").fill(u.username);
  await page.getByLabel("Password").fill(u.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-as").waitFor();
  return { context, page, problems };
}

export async function screenshot(page, name) {
  if (screenshotDir) await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

export async function idToken(username, password) {
  const answer = await cognito("InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: stack.cognito.client_id,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  return answer.AuthenticationResult.IdToken;
}

async function cognito(action, body) {
  return aws("AWSCognitoIdentityProviderService." + action, body);
}

/** A JSON-protocol call to the local AWS (moto), as a test inspects it. */
export async function aws(target, body) {
  const response = await fetch(stack.aws_endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1." + (target.startsWith("DynamoDB") ? "0" : "1"),
      "X-Amz-Target": target,
      Authorization: "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/" + service(target) + "/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${target}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

function service(target) {
  if (target.startsWith("DynamoDB")) return "dynamodb";
  if (target.startsWith("secretsmanager")) return "secretsmanager";
  return "cognito-idp";
}

export async function api(token, method, path, body, headers = {}) {
  const response = await fetch(stack.api_url + path, {
    method,
    headers: { Authorization: token, ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Every item of the table, every page (a test's look at what is stored; the product never scans). */
export async function scanTable() {
  const items = [];
  let start;
  do {
    const page = await aws("DynamoDB_20120810.Scan", { TableName: stack.table, ...(start ? { ExclusiveStartKey: start } : {}) });
    items.push(...page.Items);
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every secret's name and current value. */
export async function secretValues() {
  const list = await aws("secretsmanager.ListSecrets", { MaxResults: 100 });
  const values = [];
  for (const s of list.SecretList) {
    const v = await aws("secretsmanager.GetSecretValue", { SecretId: s.ARN });
    values.push({ name: s.Name, value: v.SecretString ?? v.SecretBinary ?? "" });
  }
  return values;
}
