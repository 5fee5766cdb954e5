import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { API_DEFAULTS } from "./config";

/** What a route needs from the caller, per domain: scopes are `<domain>/<action>`. */
export const API_ACTIONS = { write: "write", read: "read", predict: "predict" } as const;
export type ApiAction = (typeof API_ACTIONS)[keyof typeof API_ACTIONS];

/** The scope a token needs to call `action` on `domain` (Cognito resource-server style). */
export function scopeFor(domain: string, action: ApiAction): string {
  return `${domain}/${action}`;
}

/**
 * Why a request was refused: 401 (no or invalid token), 403 (valid token, missing scope) or 503
 * (the issuer's key set could not be fetched, so no token can be verified now).
 */
export class AuthError extends Error {
  constructor(
    readonly statusCode: 401 | 403 | 503,
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

/** Why `jose` refused a token, in words a client can act on. */
function describeTokenError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return "token expired";
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.reason === "missing") return `token has no "${err.claim}" claim; tokens must carry one`;
    return `token claim "${err.claim}" invalid: ${err.message}`;
  }
  if (err instanceof joseErrors.JWKSNoMatchingKey)
    return "token signed with a key the issuer does not publish";
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return "token signature invalid";
  return "token signature or format invalid";
}

/**
 * A JWT authorizer: the token must be signed by a key of the issuer's JWKS (fetched and cached by
 * `jose`, each fetch bounded by `jwksTimeoutMs`), carry the configured issuer, carry `exp` and be
 * current, not be issued in the future (`iat` later than now plus the clock tolerance), name the
 * audience in `aud` (OIDC ID tokens, most IdPs) or `client_id` (Cognito access tokens), and hold the
 * scope `<domain>/<action>`. Clock tolerance: `API_DEFAULTS.clockToleranceSeconds` on `exp`, `nbf`
 * and `iat`. A JWKS that cannot be fetched answers 503 (retry), not 401.
 *
 * @example
 * const auth = jwtAuthorizer({ issuer, audience: "data-api", jwksUrl: `${issuer}/.well-known/jwks.json` });
 * await auth.authorize(request.headers.authorization, "orders", "write");
 */
export function jwtAuthorizer(options: {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** Time to fetch the JWKS. Default `API_DEFAULTS.jwksTimeoutMs`. */
  jwksTimeoutMs?: number;
}): Authorizer {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: options.jwksTimeoutMs ?? API_DEFAULTS.jwksTimeoutMs,
  });
  const tolerance = API_DEFAULTS.clockToleranceSeconds;
  return {
    async authorize(authorization, domain, action) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
      if (!match) throw new AuthError(401, "missing bearer token (Authorization: Bearer <JWT>)");
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(match[1], jwks, {
          issuer: options.issuer,
          clockTolerance: tolerance,
          requiredClaims: ["exp"],
        }));
      } catch (err) {
        if (isJwksUnavailable(err)) {
          throw new AuthError(
            503,
            "cannot verify tokens now: the issuer's key set (JWKS) did not answer; retry",
          );
        }
        throw new AuthError(401, describeTokenError(err));
      }
      // jose checks a future `iat` only together with a maximum token age; the API sets no maximum
      // age (`exp` bounds a token's life), so the future check is made here.
      if (typeof payload.iat === "number" && payload.iat > Math.floor(Date.now() / 1000) + tolerance) {
        throw new AuthError(
          401,
          `token claim "iat" is in the future (beyond the ${tolerance} s clock tolerance)`,
        );
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

/**
 * The issuer's key set could not be had (no answer in time, refused connection, not 200, not a
 * JWKS): not the token's fault, so the client should retry rather than fetch a new token.
 */
function isJwksUnavailable(err: unknown): boolean {
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) return true;
  if (err instanceof joseErrors.JOSEError) {
    return err.code === "ERR_JOSE_GENERIC" && /JSON Web Key Set/.test(err.message);
  }
  const code = (err as { code?: unknown } | null)?.code;
  return (
    typeof code === "string" &&
    /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH)$/.test(code)
  );
}
