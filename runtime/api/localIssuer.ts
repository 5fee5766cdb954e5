import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { scopeFor, type ApiAction } from "./auth";

/** A token issuer on loopback for local runs, tests and benchmarks (the role Cognito plays in AWS). */
export interface LocalIssuer {
  /** `iss` of the tokens, and the base URL of the JWKS. */
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly audience: string;
  /**
   * Signs an access token for `scopes` (default: every action on `domains`). `expiresIn` null
   * leaves `exp` out and `issuedAt` (seconds since the epoch) sets `iat`: for tests of the claims
   * the API refuses.
   */
  token(options: {
    domains?: readonly string[];
    scopes?: readonly string[];
    expiresIn?: string | null;
    issuedAt?: number;
    notBefore?: string;
    subject?: string;
  }): Promise<string>;
  /** The environment variables that point the API at this issuer. */
  env(): Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Generates an ES256 key pair, serves its public JWKS on a free loopback port at
 * `/.well-known/jwks.json`, and signs real tokens with the private key.
 *
 * @example
 * const issuer = await startLocalIssuer();
 * const token = await issuer.token({ domains: ["orders"] });
 */
export async function startLocalIssuer(audience = "data-platform-api"): Promise<LocalIssuer> {
  const { publicKey, privateKey } = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "local-1", alg: "ES256", use: "sig" };
  const body = JSON.stringify({ keys: [jwk] });
  const server = http.createServer((req, res) => {
    if (req.url === "/.well-known/jwks.json") {
      res.writeHead(200, { "content-type": "application/json" }).end(body);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const jwksUrl = `${issuer}/.well-known/jwks.json`;
  const actions: ApiAction[] = ["write", "read", "predict"];
  return {
    issuer,
    jwksUrl,
    audience,
    token: (o) => {
      const scopes = o.scopes ?? (o.domains ?? []).flatMap((d) => actions.map((a) => scopeFor(d, a)));
      const jwt = new SignJWT({ scope: scopes.join(" "), client_id: audience })
        .setProtectedHeader({ alg: "ES256", kid: "local-1" })
        .setIssuer(issuer)
        .setSubject(o.subject ?? "local-developer")
        .setIssuedAt(o.issuedAt);
      if (o.expiresIn !== null) jwt.setExpirationTime(o.expiresIn ?? "1h");
      if (o.notBefore) jwt.setNotBefore(o.notBefore);
      return jwt.sign(privateKey);
    },
    env: () => ({ AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience, AUTH_JWKS_URL: jwksUrl }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
