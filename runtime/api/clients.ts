import * as http from "node:http";
import * as https from "node:https";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { RedisOptions } from "ioredis";
import { API_DEFAULTS } from "./config";

/** Connection settings of the SDK clients' request handler. */
export interface HandlerSettings {
  /** Per attempt: time to open the TCP connection. Default `API_DEFAULTS.connectTimeoutMs`. */
  readonly connectTimeoutMs?: number;
  /** Per attempt: time the whole call may take; then it fails with `TimeoutError` and the SDK retries. Default `API_DEFAULTS.attemptTimeoutMs`. */
  readonly attemptTimeoutMs?: number;
  /** Sockets per endpoint, HTTPS and HTTP alike. Default `API_DEFAULTS.maxSockets`. */
  readonly maxSockets?: number;
}

/**
 * The request handler of the service's SDK clients (Kinesis, DynamoDB, SageMaker Runtime):
 * `NodeHttpHandler` over HTTP/1.1 (the SDK's HTTP/2 default fails against kinesalite), with the
 * same keep-alive agent settings for HTTPS (AWS endpoints) and HTTP (local emulators) — an
 * `httpAgent` alone never applies to `https://` endpoints — and the SDK's own per-attempt timeouts:
 * `connectionTimeout` and `requestTimeout` with `throwOnRequestTimeout` (without it the SDK only
 * logs a warning and keeps waiting). The whole call, retries included, is bounded by the request's
 * `abortSignal` (see `CallOptions`).
 *
 * @example
 * const kinesis = new KinesisClient({ requestHandler: backendHttpHandler() });
 */
export function backendHttpHandler(settings: HandlerSettings = {}): NodeHttpHandler {
  const agent = { keepAlive: true, maxSockets: settings.maxSockets ?? API_DEFAULTS.maxSockets };
  return new NodeHttpHandler({
    httpsAgent: new https.Agent(agent),
    httpAgent: new http.Agent(agent),
    connectionTimeout: settings.connectTimeoutMs ?? API_DEFAULTS.connectTimeoutMs,
    requestTimeout: settings.attemptTimeoutMs ?? API_DEFAULTS.attemptTimeoutMs,
    throwOnRequestTimeout: true,
  });
}

/**
 * ioredis settings of the items cache: a slow or absent cache must not hold requests. Connecting
 * is bounded by `connectTimeout`, every command by `commandTimeout` (a server that accepts and
 * never answers), and nothing queues while disconnected; each failure is counted by `cachedItems`
 * and DynamoDB answers.
 *
 * @example
 * const redis = new Redis(redisOptions({ host, port, password, tls: true }));
 */
export function redisOptions(c: {
  host: string;
  port: number;
  authToken?: string;
  tls: boolean;
  commandTimeoutMs?: number;
}): RedisOptions {
  return {
    host: c.host,
    port: c.port,
    password: c.authToken,
    ...(c.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    commandTimeout: c.commandTimeoutMs ?? API_DEFAULTS.cacheCommandTimeoutMs,
  };
}
