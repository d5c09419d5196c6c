/**
 * Signing in exactly as a browser does against Cognito: InitiateAuth with USER_PASSWORD_AUTH,
 * then REFRESH_TOKEN_AUTH to renew the ID token. No SDK: two JSON calls.
 */
import type { WebConfig } from "../config";

export interface Tokens {
  idToken: string;
  refreshToken: string;
  /** Epoch milliseconds when the ID token stops being accepted. */
  expiresAt: number;
}

export class SignInFailed extends Error {
  constructor(
    message: string,
    readonly kind: "credentials" | "challenge" | "unavailable",
  ) {
    super(message);
  }
}

interface AuthenticationResult {
  IdToken?: string;
  RefreshToken?: string;
  ExpiresIn?: number;
}

async function initiateAuth(
  config: WebConfig,
  flow: "USER_PASSWORD_AUTH" | "REFRESH_TOKEN_AUTH",
  parameters: Record<string, string>,
): Promise<{ AuthenticationResult?: AuthenticationResult; ChallengeName?: string }> {
  let response: Response;
  try {
    response = await fetch(config.cognito.endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
      },
      body: JSON.stringify({
        AuthFlow: flow,
        ClientId: config.cognito.client_id,
        AuthParameters: parameters,
      }),
    });
  } catch {
    throw new SignInFailed("The sign-in service could not be reached. Try again.", "unavailable");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const type = String(body.__type ?? "");
    if (/NotAuthorized|UserNotFound|InvalidParameter/.test(type)) {
      throw new SignInFailed(
        flow === "REFRESH_TOKEN_AUTH"
          ? "Your session has ended. Sign in again."
          : "The email or password is not right.",
        "credentials",
      );
    }
    if (/UserNotConfirmed|PasswordResetRequired/.test(type)) {
      throw new SignInFailed("This account must be confirmed or its password reset first.", "credentials");
    }
    throw new SignInFailed("The sign-in service is unavailable. Try again shortly.", "unavailable");
  }
  return body;
}

function tokensFrom(result: AuthenticationResult | undefined, refreshToken?: string): Tokens {
  if (!result?.IdToken) {
    throw new SignInFailed("The sign-in service gave no token.", "unavailable");
  }
  const claims = decodeClaims(result.IdToken);
  const exp = typeof claims.exp === "number" ? claims.exp * 1000 : Date.now() + (result.ExpiresIn ?? 3600) * 1000;
  return {
    idToken: result.IdToken,
    refreshToken: result.RefreshToken ?? refreshToken ?? "",
    expiresAt: exp,
  };
}

export async function signIn(config: WebConfig, username: string, password: string): Promise<Tokens> {
  const answer = await initiateAuth(config, "USER_PASSWORD_AUTH", { USERNAME: username, PASSWORD: password });
  if (answer.ChallengeName) {
    throw new SignInFailed(
      `This account needs a step this dashboard does not offer yet (${answer.ChallengeName}). Finish it with your administrator.`,
      "challenge",
    );
  }
  return tokensFrom(answer.AuthenticationResult);
}

export async function refresh(config: WebConfig, refreshToken: string): Promise<Tokens> {
  const answer = await initiateAuth(config, "REFRESH_TOKEN_AUTH", { REFRESH_TOKEN: refreshToken });
  return tokensFrom(answer.AuthenticationResult, refreshToken);
}

/** The ID token's claims, read without verifying (the API verifies; this is for display only). */
export function decodeClaims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}
