/** Where the dashboard finds the API and Cognito: /config.json, written at deploy time. */
export interface WebConfig {
  api_url: string;
  cognito: {
    /** The Cognito Identity Provider endpoint (https://cognito-idp.<region>.amazonaws.com/ on AWS). */
    endpoint: string;
    region: string;
    user_pool_id: string;
    client_id: string;
  };
  environment?: string;
}

export class ConfigUnavailable extends Error {}

export async function loadConfig(): Promise<WebConfig> {
  let response: Response;
  try {
    // index.html preloads it (it is revalidated by its Cache-Control, never kept stale).
    response = await fetch("config.json");
  } catch {
    throw new ConfigUnavailable("The dashboard's configuration could not be loaded.");
  }
  if (response.status === 503) {
    throw new ConfigUnavailable("The local stack is still starting. This page retries by itself.");
  }
  if (!response.ok) {
    throw new ConfigUnavailable(`The dashboard's configuration is missing (HTTP ${response.status}).`);
  }
  const config = (await response.json()) as WebConfig;
  if (!config.api_url || !config.cognito?.endpoint || !config.cognito?.client_id) {
    throw new ConfigUnavailable("The dashboard's configuration is incomplete.");
  }
  return { ...config, api_url: config.api_url.replace(/\/+$/, "") };
}
