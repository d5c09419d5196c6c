import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { IncomingMessage, ServerResponse } from "node:http";
import { defineConfig, type Plugin } from "vite";

/**
 * Serves /config.json on the local stack, made from the stack file `make dev` writes
 * (BILLY_STACK_FILE, default ../.local/stack.json). Only the public part is served: endpoints and
 * Cognito ids — never the demo passwords or keys the stack file also holds. Deployed, config.json
 * is a real file written next to index.html at deploy time (infra/bin/deploy-web).
 */
function localStackConfig(): Plugin {
  const stackFile = resolve(process.env.BILLY_STACK_FILE ?? fileURLToPath(new URL("../.local/stack.json", import.meta.url)));
  const serve = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (req.url?.split("?")[0] !== "/config.json") return next();
    res.setHeader("Content-Type", "application/json");
    res.setHeader("Cache-Control", "no-store");
    let stack: Record<string, any>;
    try {
      stack = JSON.parse(readFileSync(stackFile, "utf8"));
    } catch {
      res.statusCode = 503;
      res.end(JSON.stringify({ starting: true }));
      return;
    }
    res.end(
      JSON.stringify({
        api_url: stack.api_url,
        cognito: {
          endpoint: stack.aws_endpoint,
          region: stack.region,
          user_pool_id: stack.cognito?.user_pool_id,
          client_id: stack.cognito?.client_id,
        },
        environment: "local",
      }),
    );
  };
  return {
    name: "agent-billy-local-stack-config",
    configureServer: (server) => void server.middlewares.use(serve),
    configurePreviewServer: (server) => void server.middlewares.use(serve),
  };
}

const port = Number(process.env.WEB_PORT ?? 5173);

export default defineConfig({
  plugins: [localStackConfig()],
  server: { host: "localhost", port, strictPort: true },
  preview: { host: "localhost", port, strictPort: true },
  build: { target: "es2022", sourcemap: false, reportCompressedSize: true },
});
