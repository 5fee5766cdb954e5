import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";

/** What a route needs from the caller, per domain: scopes are `<domain>/<action>`. */
export const API_ACTIONS = { write: "write", read: "read", predict: "predict" } as const;
export type ApiAction = (typeof API_ACTIONS)[keyof typeof API_ACTIONS];

/** The scope a token needs to call `action` on `domain` (Cognito resource-server style). */
export function scopeFor(domain: string, action: ApiAction): string {
  return `${domain}/${action}`;
}

/** Why a request was refused: 401 (no or invalid token) or 403 (valid token, missing scope). */
export class AuthError extends Error {
  constructor(
    readonly statusCode: 401 | 403,
    message: string,
  ) {
    super(message);
    this.name = "AuthError";
  }
}

export interface Caller {
  readonly subject: string;
  readonly scopes: readonly string[];
}

/** Verifies bearer tokens; `authorize` throws `AuthError` or returns the caller. */
export interface Authorizer {
  authorize(authorization: string | undefined, domain: string, action: ApiAction): Promise<Caller>;
}

function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === "string") return raw.split(" ").filter(Boolean);
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === "string");
  return [];
}

/**
 * A JWT authorizer: the token must be signed by a key of the issuer's JWKS (fetched and cached by
 * `jose`), carry the configured issuer, be current, name the audience in `aud` (OIDC ID tokens,
 * most IdPs) or `client_id` (Cognito access tokens), and hold the scope `<domain>/<action>`.
 *
 * @example
 * const auth = jwtAuthorizer({ issuer, audience: "data-api", jwksUrl: `${issuer}/.well-known/jwks.json` });
 * await auth.authorize(request.headers.authorization, "orders", "write");
 */
export function jwtAuthorizer(options: { issuer: string; audience: string; jwksUrl: string }): Authorizer {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl));
  return {
    async authorize(authorization, domain, action) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
      if (!match) throw new AuthError(401, "missing bearer token (Authorization: Bearer <JWT>)");
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(match[1], jwks, { issuer: options.issuer, clockTolerance: 5 }));
      } catch (err) {
        const why =
          err instanceof joseErrors.JWTExpired
            ? "token expired"
            : err instanceof joseErrors.JWTClaimValidationFailed
              ? `token claim ${err.claim} invalid`
              : "token signature or format invalid";
        throw new AuthError(401, why);
      }
      const aud = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!aud.includes(options.audience) && payload.client_id !== options.audience) {
        throw new AuthError(401, "token not issued for this API (audience)");
      }
      const scopes = scopesOf(payload);
      const needed = scopeFor(domain, action);
      if (!scopes.includes(needed)) throw new AuthError(403, `token lacks scope ${needed}`);
      return { subject: payload.sub ?? String(payload.client_id ?? "unknown"), scopes };
    },
  };
}
