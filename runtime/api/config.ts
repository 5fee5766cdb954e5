import { RuntimeConfigError } from "../errors";
import { dataProductNames } from "../schemas";

/** Limits and defaults of the API service, each overridable through an environment variable. */
export const API_DEFAULTS = {
  /** Listening port (the container port behind the load balancer). */
  port: 8080,
  /** Largest request body accepted (bytes); larger bodies get 413. */
  maxBodyBytes: 1024 * 1024,
  /** Most events one ingestion request may carry; more get 413. */
  maxEventsPerRequest: 500,
  /** Kinesis PutRecords: records per call. */
  putRecordsMaxRecords: 500,
  /** Kinesis PutRecords: data + partition keys per call (5 MiB). */
  putRecordsMaxBytes: 5 * 1024 * 1024,
  /** Kinesis: largest record (data + partition key, 1 MiB). */
  maxRecordBytes: 1024 * 1024,
  /**
   * Time one ingestion request may spend on PutRecords, retries included: a call still unanswered
   * then is aborted and its events answer 503 `failed`.
   */
  ingestBudgetMs: 10_000,
  /** Time one `GET items` may spend on Redis and DynamoDB before answering 503. */
  readBudgetMs: 3_000,
  /** Time one `predict` may wait for the SageMaker endpoint before answering 503. */
  predictBudgetMs: 10_000,
  /** Per attempt: time to open a TCP connection to an AWS endpoint (the SDK then retries). */
  connectTimeoutMs: 1_000,
  /** Per attempt: time a Kinesis or DynamoDB call may take (the SDK then retries within the budget). */
  attemptTimeoutMs: 2_000,
  /** Sockets per AWS endpoint (HTTPS and HTTP agents). */
  maxSockets: 64,
  /** Per command: time a Redis command may take before the cache is skipped for the request. */
  cacheCommandTimeoutMs: 250,
  /** Time to fetch the issuer's JWKS before a token cannot be verified (503). */
  jwksTimeoutMs: 2_000,
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. */
  clockToleranceSeconds: 5,
  /** DynamoDB's limit on a partition key value (UTF-8 bytes); longer `{key}` values get 400. */
  maxHashKeyBytes: 2048,
  /** DynamoDB's limit on a sort key value (UTF-8 bytes); longer `sortKey` values get 400. */
  maxRangeKeyBytes: 1024,
  /**
   * Longest path segment the router accepts (characters, decoded): more than any key DynamoDB can
   * hold (2048 bytes is at most 2048 characters), so every storable key reaches the handler.
   */
  maxPathSegmentChars: 4096,
  /** First PutRecords retry delay; doubles per attempt, full jitter. */
  retryBaseDelayMs: 25,
  /** Largest single retry delay. */
  retryMaxDelayMs: 1_000,
  /** Items returned by one `GET items` on a table with a sort key. */
  queryLimit: 100,
  /** CloudWatch namespace of the embedded metrics. */
  metricsNamespace: "DataPlatform/Api",
} as const;

/** Environment variables the service reads (its whole configuration; no secrets are baked in). */
export const API_ENVIRONMENT_VARIABLES = {
  API_DOMAINS:
    'JSON object: domain -> { "dataProduct"?, "streamName", "tableName", "endpointName"? }; required. dataProduct defaults to the domain name',
  AUTH_ISSUER: "JWT issuer (`iss`), e.g. https://cognito-idp.<region>.amazonaws.com/<user pool id>; required",
  AUTH_AUDIENCE: "JWT audience (`aud`, or Cognito access tokens' `client_id`); required",
  AUTH_JWKS_URL: "URL of the issuer's JSON Web Key Set; required",
  PORT: `listening port, default ${API_DEFAULTS.port}`,
  HOST: "listening address, default 0.0.0.0",
  MAX_BODY_BYTES: `largest request body, default ${API_DEFAULTS.maxBodyBytes}`,
  MAX_EVENTS_PER_REQUEST: `most events per ingestion request, default ${API_DEFAULTS.maxEventsPerRequest}`,
  INGEST_BUDGET_MS: `time one ingestion request may spend on PutRecords, retries included, default ${API_DEFAULTS.ingestBudgetMs}`,
  READ_BUDGET_MS: `time one GET items may spend on Redis and DynamoDB, default ${API_DEFAULTS.readBudgetMs}`,
  PREDICT_BUDGET_MS: `time one predict may wait for the SageMaker endpoint, default ${API_DEFAULTS.predictBudgetMs}`,
  METRICS_NAMESPACE: `CloudWatch namespace of the embedded metrics, default ${API_DEFAULTS.metricsNamespace}`,
  LOG_LEVEL: "fatal, error, warn, info, debug, trace or silent; default info",
  CACHE_HOST: "Redis host of the read-through cache of `GET items` (ElastiCache); unset: no cache",
  CACHE_PORT: "Redis port, default 6379",
  CACHE_AUTH_TOKEN: "Redis AUTH token (injected by ECS from Secrets Manager, never plain configuration)",
  CACHE_TLS: "`false` to connect to Redis without TLS (local only); default true",
  CACHE_TTL_SECONDS: `seconds a cached item may be served, default ${30}`,
  AWS_ENDPOINT_URL_KINESIS: "SDK endpoint override for Kinesis (local emulators only)",
  AWS_ENDPOINT_URL_DYNAMODB: "SDK endpoint override for DynamoDB (local emulators only)",
} as const;

/** Where one domain's data lives. */
export interface DomainRoute {
  /** Data product in the schema registry (`runtime/schemas`). */
  readonly dataProduct: string;
  readonly streamName: string;
  readonly tableName: string;
  /** SageMaker endpoint; absent when the domain has no model (predict answers 404). */
  readonly endpointName?: string;
}

export interface ApiConfig {
  readonly domains: Readonly<Record<string, DomainRoute>>;
  readonly auth: { readonly issuer: string; readonly audience: string; readonly jwksUrl: string };
  readonly port: number;
  readonly host: string;
  readonly maxBodyBytes: number;
  readonly maxEventsPerRequest: number;
  readonly ingestBudgetMs: number;
  readonly readBudgetMs: number;
  readonly predictBudgetMs: number;
  readonly metricsNamespace: string;
  readonly logLevel: string;
  /** The read-through cache of `GET items`; absent when `CACHE_HOST` is unset. */
  readonly cache?: {
    readonly host: string;
    readonly port: number;
    readonly authToken?: string;
    readonly tls: boolean;
    readonly ttlSeconds: number;
  };
}

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: keyof typeof API_ENVIRONMENT_VARIABLES): string {
  const v = env[name];
  if (v === undefined || v.trim() === "")
    throw new RuntimeConfigError(name, v, API_ENVIRONMENT_VARIABLES[name]);
  return v;
}

function positiveInt(env: Env, name: keyof typeof API_ENVIRONMENT_VARIABLES, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new RuntimeConfigError(name, v, "a positive integer");
  return n;
}

function url(env: Env, name: "AUTH_JWKS_URL" | "AUTH_ISSUER"): string {
  const v = required(env, name);
  if (!/^https?:\/\/\S+$/.test(v)) throw new RuntimeConfigError(name, v, "an http(s) URL");
  return v;
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** Parses `API_DOMAINS`; every data product must be registered and every name well-formed. */
export function parseDomains(raw: string | undefined): Record<string, DomainRoute> {
  const fail = (why: string) => new RuntimeConfigError("API_DOMAINS", raw, why);
  if (raw === undefined || raw.trim() === "") throw fail(API_ENVIRONMENT_VARIABLES.API_DOMAINS);
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    throw fail("a JSON object");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw fail("a JSON object");
  const out: Record<string, DomainRoute> = {};
  const known = dataProductNames() as string[];
  for (const [domain, value] of Object.entries(doc as Record<string, unknown>)) {
    if (!NAME.test(domain)) throw fail(`domain "${domain}": lower-case letters, digits and dashes`);
    const v = (value ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof v[k] === "string" && v[k] !== "" ? (v[k] as string) : undefined);
    const dataProduct = str("dataProduct") ?? domain;
    if (!known.includes(dataProduct))
      throw fail(`domain "${domain}": data product "${dataProduct}" is not one of ${known.join(", ")}`);
    const streamName = str("streamName");
    const tableName = str("tableName");
    if (!streamName || !tableName) throw fail(`domain "${domain}": streamName and tableName are required`);
    const endpointName = str("endpointName");
    out[domain] = { dataProduct, streamName, tableName, ...(endpointName ? { endpointName } : {}) };
  }
  if (Object.keys(out).length === 0) throw fail("at least one domain");
  return out;
}

/**
 * Reads the service configuration from the environment; a bad value is an error naming the
 * variable, the value and what it accepts.
 *
 * @example
 * const config = readApiConfig(process.env);
 */
export function readApiConfig(env: Env): ApiConfig {
  return {
    domains: parseDomains(env.API_DOMAINS),
    auth: {
      issuer: url(env, "AUTH_ISSUER"),
      audience: required(env, "AUTH_AUDIENCE"),
      jwksUrl: url(env, "AUTH_JWKS_URL"),
    },
    port: positiveInt(env, "PORT", API_DEFAULTS.port),
    host: env.HOST || "0.0.0.0",
    maxBodyBytes: positiveInt(env, "MAX_BODY_BYTES", API_DEFAULTS.maxBodyBytes),
    maxEventsPerRequest: positiveInt(env, "MAX_EVENTS_PER_REQUEST", API_DEFAULTS.maxEventsPerRequest),
    ingestBudgetMs: positiveInt(env, "INGEST_BUDGET_MS", API_DEFAULTS.ingestBudgetMs),
    readBudgetMs: positiveInt(env, "READ_BUDGET_MS", API_DEFAULTS.readBudgetMs),
    predictBudgetMs: positiveInt(env, "PREDICT_BUDGET_MS", API_DEFAULTS.predictBudgetMs),
    metricsNamespace: env.METRICS_NAMESPACE || API_DEFAULTS.metricsNamespace,
    logLevel: env.LOG_LEVEL || "info",
    ...(env.CACHE_HOST
      ? {
          cache: {
            host: env.CACHE_HOST,
            port: positiveInt(env, "CACHE_PORT", 6379),
            ...(env.CACHE_AUTH_TOKEN ? { authToken: env.CACHE_AUTH_TOKEN } : {}),
            tls: env.CACHE_TLS !== "false",
            ttlSeconds: positiveInt(env, "CACHE_TTL_SECONDS", 30),
          },
        }
      : {}),
  };
}
