import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import { buildDataProduct } from "../schemas";
import type { DataProduct } from "../schemas/types";
import { marshallItem, unmarshallItem } from "../sinks/marshall";
import { emfDocument } from "../telemetry/emf";
import { AuthError, type ApiAction, type Authorizer } from "./auth";
import { API_DEFAULTS, type ApiConfig, type DomainRoute } from "./config";
import { ingestEvents, ingestStatus, parseNdjson, type IncomingEvent } from "./ingest";
import { BodyError, parseJsonText } from "./json";
import type { ItemsPort, PredictPort } from "./ports";
import { isRetryable } from "../sinks/retry";
import type { KinesisPort } from "./putRecords";
import type { RetryPolicy, Timing } from "../sinks/retry";

/** Everything the service needs; clients come in as ports so tests can inject faults. */
export interface ApiDependencies {
  readonly config: Pick<ApiConfig, "domains" | "maxBodyBytes" | "maxEventsPerRequest" | "ingestBudgetMs"> &
    Partial<Pick<ApiConfig, "metricsNamespace" | "logLevel" | "readBudgetMs" | "predictBudgetMs">>;
  readonly authorizer: Authorizer;
  readonly kinesis: KinesisPort;
  readonly items: ItemsPort;
  /** Absent: predict answers 503 for every domain. */
  readonly predict?: PredictPort;
  /** Receives one CloudWatch EMF JSON line per API request that touches data. Default stdout. */
  readonly writeMetrics?: (line: string) => void;
  /** Structured request logs (pino, JSON lines); default stdout at `config.logLevel`. */
  readonly logStream?: { write(line: string): void };
  readonly retry?: RetryPolicy;
  readonly timing?: Timing;
}

interface Domain {
  readonly name: string;
  readonly route: DomainRoute;
  readonly product: DataProduct<unknown>;
}

type DomainRequest = FastifyRequest<{ Params: { domain: string } }>;

/** Request ids taken from the caller: letters, digits and `._:-`, at most 128 characters. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

const NDJSON = ["application/x-ndjson", "application/ndjson", "application/jsonl"];

/** Answers an error as `{ error, requestId }` JSON. */
function refuse(reply: FastifyReply, status: number, error: string, extra: Record<string, unknown> = {}) {
  return reply.code(status).send({ error, requestId: reply.request.id, ...extra });
}

/** Answers 503 with `Retry-After: 1`: the failure is temporary and not the client's. */
function unavailable(reply: FastifyReply, error: string) {
  reply.header("retry-after", "1");
  return refuse(reply, 503, error);
}

/** Errors a backend answers when it is overloaded or briefly failing: the client should retry. */
const THROTTLED = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "ServiceUnavailable",
  "InternalServerError",
]);

/**
 * The 503 message for a backend call that failed for a reason the client can only wait out (the
 * request budget ran out, an attempt timed out, throttling, a 5xx), or undefined for any other
 * error (a bug or a misconfiguration: answered 500, counted by the 5xx alarm).
 */
function temporaryFailure(
  err: unknown,
  backend: string,
  budgetMs: number,
  signal: AbortSignal,
): string | undefined {
  const e = err as { name?: string };
  if (signal.aborted || e?.name === "AbortError")
    return `${backend} did not answer within ${budgetMs} ms; retry`;
  if (e?.name === "TimeoutError") return `${backend} timed out; retry`;
  if ((e?.name && THROTTLED.has(e.name)) || isRetryable(err)) return `${backend} is busy (${e.name}); retry`;
  return undefined;
}

/** The query parameters `GET items` reads; anything else is refused so a typo is not ignored. */
const ITEM_QUERY_PARAMS = ["sortKey"];

/**
 * Checks `GET items`' key and query: returns the sort key to read (if any), or the 400 message.
 * Key lengths are DynamoDB's limits (UTF-8 bytes), so every key a table can hold is readable.
 */
export function readItemRequest(
  domain: string,
  tableKey: { hashKey: string; rangeKey?: string },
  key: string,
  query: Readonly<Record<string, unknown>>,
): { sortKey?: string } | { error: string } {
  const { hashKey, rangeKey } = tableKey;
  if (key === "") return { error: `empty key: GET /v1/${domain}/items/{key} needs the ${hashKey} value` };
  const keyBytes = Buffer.byteLength(key);
  if (keyBytes > API_DEFAULTS.maxHashKeyBytes) {
    return {
      error: `key is ${keyBytes} bytes; ${hashKey} values are at most ${API_DEFAULTS.maxHashKeyBytes} bytes (UTF-8, DynamoDB's partition key limit)`,
    };
  }
  const unknown = Object.keys(query).filter((k) => !ITEM_QUERY_PARAMS.includes(k));
  if (unknown.length > 0) {
    return {
      error: `unknown query parameter${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => JSON.stringify(k)).join(", ")}; GET items reads only sortKey`,
    };
  }
  const sortKey = query.sortKey;
  if (sortKey === undefined) return {};
  if (!rangeKey)
    return { error: `domain "${domain}" items have no sort key (key: ${hashKey}); remove sortKey` };
  if (Array.isArray(sortKey)) return { error: `sortKey given ${sortKey.length} times; give it once` };
  if (typeof sortKey !== "string" || sortKey === "") {
    return {
      error: `empty sortKey: give a ${rangeKey} value, or leave sortKey out to read the partition's newest ${API_DEFAULTS.queryLimit} items`,
    };
  }
  const sortBytes = Buffer.byteLength(sortKey);
  if (sortBytes > API_DEFAULTS.maxRangeKeyBytes) {
    return {
      error: `sortKey is ${sortBytes} bytes; ${rangeKey} values are at most ${API_DEFAULTS.maxRangeKeyBytes} bytes (UTF-8, DynamoDB's sort key limit)`,
    };
  }
  return { sortKey };
}

/** The 400 message for query parameters on a route that reads none (a typo is not ignored). */
function noQueryExpected(route: string, query: unknown): string | undefined {
  const names = Object.keys((query ?? {}) as object);
  if (names.length === 0) return undefined;
  return `unknown query parameter${names.length > 1 ? "s" : ""} ${names.map((k) => JSON.stringify(k)).join(", ")}; ${route} takes none`;
}

/** The status line and message of an HTTP request Node could not parse (no Fastify request exists). */
function clientErrorAnswer(code: string | undefined): { status: number; error: string } {
  if (code === "HPE_HEADER_OVERFLOW") return { status: 431, error: "request headers too large" };
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return { status: 408, error: "request not received in time" };
  return { status: 400, error: `malformed HTTP request${code ? ` (${code})` : ""}` };
}

/**
 * Builds the ingestion, serving and inference API (Fastify). Routes:
 *
 * - `POST /v1/{domain}/events`: one JSON event, a JSON array, or NDJSON; per-event results.
 * - `GET /v1/{domain}/items/{key}[?sortKey=]`: the serving table's item (or the partition's items).
 * - `POST /v1/{domain}/predict`: the domain's SageMaker endpoint; names the variant that answered.
 * - `GET /health/live`, `GET /health/ready`: no authentication (load balancer health checks).
 *
 * Every `/v1` route needs a bearer JWT with the scope `<domain>/<write|read|predict>`.
 *
 * @example
 * const app = buildApiServer({ config, authorizer: jwtAuthorizer(config.auth), kinesis, items, predict });
 * await app.listen({ port: 8080, host: "0.0.0.0" });
 */
export function buildApiServer(deps: ApiDependencies): FastifyInstance & { setDraining(): void } {
  const { config } = deps;
  const namespace = config.metricsNamespace ?? API_DEFAULTS.metricsNamespace;
  const writeMetrics = deps.writeMetrics ?? ((line: string) => void process.stdout.write(line + "\n"));
  const domains = new Map<string, Domain>(
    Object.entries(config.domains).map(([name, route]) => [
      name,
      { name, route, product: buildDataProduct(route.dataProduct) },
    ]),
  );
  let draining = false;
  const readBudgetMs = config.readBudgetMs ?? API_DEFAULTS.readBudgetMs;
  const predictBudgetMs = config.predictBudgetMs ?? API_DEFAULTS.predictBudgetMs;

  const app = Fastify({
    logger: {
      level: config.logLevel ?? "info",
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    },
    bodyLimit: config.maxBodyBytes,
    // A caller's `x-request-id` is kept when it is a plausible id (it is echoed in headers and
    // logs); anything else is replaced by a fresh UUID.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // One log line per request, written by the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "requestId" }),
    // Every storable key fits in a path segment (the default, 100 characters, refused schema-valid
    // keys with the router's own 414 body); longer segments get 414 through `frameworkErrors`.
    routerOptions: { maxParamLength: API_DEFAULTS.maxPathSegmentChars },
    // Fastify's own 503 while closing has no request id: the onRequest hook below answers instead.
    return503OnClosing: false,
    // Router errors answer with the documented `{ error, requestId }` body, like every other error.
    frameworkErrors: (err, request, reply) => {
      // Hooks do not run for router errors: set the request id header here.
      reply.header("x-request-id", request.id);
      if (err.code === "FST_ERR_MAX_PARAM_LENGTH") {
        return refuse(
          reply,
          414,
          `a path segment is longer than ${API_DEFAULTS.maxPathSegmentChars} characters`,
        );
      }
      if (err.code === "FST_ERR_BAD_URL") {
        return refuse(
          reply,
          400,
          `the path is not valid percent-encoding (${err.message}); encode keys with encodeURIComponent`,
        );
      }
      return refuse(reply, err.statusCode ?? 400, err.message);
    },
    // Requests Node's HTTP parser refuses never reach Fastify: answer them in the same shape.
    clientErrorHandler: (err: Error & { code?: string }, socket) => {
      if (err.code === "ECONNRESET" || socket.destroyed) return;
      const { status, error } = clientErrorAnswer(err.code);
      const body = JSON.stringify({ error, requestId: randomUUID() });
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(err);
    },
  });
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onRequest", async (_request, reply) => {
    if (!closing) return;
    reply.header("connection", "close");
    return unavailable(reply, "the service is shutting down");
  });

  // JSON and NDJSON only (Fastify's text/plain parser is removed). JSON bodies and NDJSON lines go
  // through the same parser (`parseJsonText`), so a byte order mark and a `__proto__` key are
  // handled alike and the error says what is wrong (Fastify's own JSON parser says only "not valid
  // JSON").
  app.removeContentTypeParser(["text/plain", "application/json"]);
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(new BodyError("empty JSON body"), undefined);
    try {
      done(null, parseJsonText(text));
    } catch (err) {
      done(err as BodyError, undefined);
    }
  });
  app.addContentTypeParser(NDJSON, { parseAs: "string" }, (_req, body, done) => done(null, body));

  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  app.addHook("onResponse", async (request, reply) => {
    if (request.url.startsWith("/health/")) return;
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      },
      "request completed",
    );
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = err.statusCode ?? 500;
    if (err instanceof AuthError) {
      if (err.statusCode === 401) reply.header("www-authenticate", 'Bearer error="invalid_token"');
      if (err.statusCode === 503) return unavailable(reply, err.message);
      return refuse(reply, err.statusCode, err.message);
    }
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return refuse(reply, 413, `request body larger than ${config.maxBodyBytes} bytes`);
    }
    if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      return refuse(reply, 415, `content type not supported: use application/json or ${NDJSON[0]}`);
    }
    if (err instanceof BodyError) {
      return refuse(
        reply,
        400,
        err.message === "empty JSON body" ? err.message : `request body: ${err.message}`,
      );
    }
    if (err.code === "FST_ERR_CTP_EMPTY_JSON_BODY") return refuse(reply, 400, "empty JSON body");
    if (status >= 400 && status < 500) return refuse(reply, status, err.message);
    request.log.error({ err }, "request failed");
    return refuse(reply, 500, "internal error");
  });

  app.setNotFoundHandler((request, reply) => refuse(reply, 404, `no route ${request.method} ${request.url}`));

  // Authentication runs on `onRequest`, before the body is read or parsed.
  // A valid token without the scope of a domain that does not exist is told the domain is unknown
  // (404, naming the domains), not that it lacks a scope no token can hold; callers without a valid
  // token learn nothing about the domains.
  const unknownDomain = (name: string) =>
    `unknown domain "${name}"; domains: ${[...domains.keys()].sort().join(", ")}`;
  const guard = (action: ApiAction) => async (request: DomainRequest) => {
    try {
      await deps.authorizer.authorize(request.headers.authorization, request.params.domain, action);
    } catch (err) {
      if (err instanceof AuthError && err.statusCode === 403 && !domains.has(request.params.domain)) {
        throw Object.assign(new Error(unknownDomain(request.params.domain)), { statusCode: 404 });
      }
      throw err;
    }
  };
  const domainOf = (request: DomainRequest, reply: FastifyReply): Domain | undefined => {
    const d = domains.get(request.params.domain);
    if (!d) void refuse(reply, 404, unknownDomain(request.params.domain));
    return d;
  };
  const metric = (domain: string, route: string, metrics: Record<string, number>) =>
    writeMetrics(
      JSON.stringify(
        emfDocument({
          namespace,
          dimensions: { Domain: domain, Route: route },
          metrics: Object.fromEntries(
            Object.entries(metrics).map(([k, value]) => [
              k,
              { value, unit: k.endsWith("Ms") ? ("Milliseconds" as const) : ("Count" as const) },
            ]),
          ),
          timestamp: Date.now(),
        }),
      ),
    );

  app.get("/health/live", async () => ({ status: "ok" }));
  app.get("/health/ready", async (_request, reply) =>
    draining ? refuse(reply, 503, "draining") : { status: "ready", domains: [...domains.keys()] },
  );

  app.post<{ Params: { domain: string }; Body: unknown }>(
    "/v1/:domain/events",
    { onRequest: guard("write") },
    async (request, reply) => {
      const domain = domainOf(request, reply);
      if (!domain) return reply;
      const badQuery = noQueryExpected("POST events", request.query);
      if (badQuery) return refuse(reply, 400, badQuery);
      const body = request.body;
      let events: IncomingEvent[];
      if (typeof body === "string") events = parseNdjson(body);
      else if (Array.isArray(body)) events = body.map((value) => ({ value }));
      else if (body !== null && typeof body === "object") events = [{ value: body }];
      else return refuse(reply, 400, "expected a JSON event, a JSON array of events, or NDJSON");
      if (events.length === 0) return refuse(reply, 400, "no events in the request body");
      if (events.length > config.maxEventsPerRequest) {
        return refuse(
          reply,
          413,
          `${events.length} events; at most ${config.maxEventsPerRequest} per request`,
        );
      }
      const started = Date.now();
      const { results, summary, stats } = await ingestEvents(events, {
        product: domain.product,
        streamName: domain.route.streamName,
        kinesis: deps.kinesis,
        deadline: started + config.ingestBudgetMs,
        putOptions: {
          retry: deps.retry,
          timing: deps.timing,
          abortSignal: AbortSignal.timeout(config.ingestBudgetMs),
        },
      });
      const status = ingestStatus(summary);
      metric(domain.name, "events", {
        Accepted: summary.accepted,
        Rejected: summary.rejected,
        Failed: summary.failed,
        PutRecordsCalls: stats.calls,
        RetriedRecords: stats.retriedRecords,
        PutRecordsMs: Date.now() - started,
      });
      if (summary.failed > 0) {
        request.log.warn({ domain: domain.name, ...summary, ...stats }, "events not stored after retries");
        reply.header("retry-after", "1");
      }
      return reply.code(status).send({ requestId: request.id, ...summary, results });
    },
  );

  app.get<{ Params: { domain: string; key: string }; Querystring: Record<string, unknown> }>(
    "/v1/:domain/items/:key",
    { onRequest: guard("read") },
    async (request, reply) => {
      const domain = domainOf(request, reply);
      if (!domain) return reply;
      const { hashKey, rangeKey } = domain.product.tableKey;
      const checked = readItemRequest(
        domain.name,
        domain.product.tableKey,
        request.params.key,
        request.query,
      );
      if ("error" in checked) return refuse(reply, 400, checked.error);
      const { sortKey } = checked;
      const abortSignal = AbortSignal.timeout(readBudgetMs);
      try {
        if (rangeKey && sortKey === undefined) {
          const res = await deps.items.query(
            {
              TableName: domain.route.tableName,
              KeyConditionExpression: "#k = :k",
              ExpressionAttributeNames: { "#k": hashKey },
              ExpressionAttributeValues: { ":k": { S: request.params.key } },
              ScanIndexForward: false,
              Limit: API_DEFAULTS.queryLimit,
            },
            { abortSignal },
          );
          const items = (res.Items ?? []).map(unmarshallItem);
          if (items.length === 0)
            return refuse(reply, 404, `no items with ${hashKey} = ${request.params.key}`);
          return { items };
        }
        const key: Record<string, string> = { [hashKey]: request.params.key };
        if (rangeKey) key[rangeKey] = sortKey as string;
        const res = await deps.items.getItem(
          { TableName: domain.route.tableName, Key: marshallItem(key) },
          { abortSignal },
        );
        if (!res.Item) return refuse(reply, 404, `no item with ${JSON.stringify(key)}`);
        return { item: unmarshallItem(res.Item) };
      } catch (err) {
        const why = temporaryFailure(err, "DynamoDB", readBudgetMs, abortSignal);
        if (!why) throw err;
        request.log.warn({ err, domain: domain.name }, "item read failed");
        return unavailable(reply, why);
      }
    },
  );

  app.post<{ Params: { domain: string }; Body: unknown }>(
    "/v1/:domain/predict",
    { onRequest: guard("predict") },
    async (request, reply) => {
      const domain = domainOf(request, reply);
      if (!domain) return reply;
      const badQuery = noQueryExpected("POST predict", request.query);
      if (badQuery) return refuse(reply, 400, badQuery);
      const endpointName = domain.route.endpointName;
      if (!endpointName) return refuse(reply, 404, `domain "${domain.name}" has no inference endpoint`);
      if (!deps.predict) return refuse(reply, 503, "inference is not configured in this environment");
      const started = Date.now();
      const abortSignal = AbortSignal.timeout(predictBudgetMs);
      try {
        const res = await deps.predict.invoke(
          {
            endpointName,
            body: Buffer.from(typeof request.body === "string" ? request.body : JSON.stringify(request.body)),
            contentType: "application/json",
          },
          { abortSignal },
        );
        const text = Buffer.from(res.body).toString("utf8");
        let prediction: unknown = text;
        if ((res.contentType ?? "application/json").includes("json")) {
          try {
            prediction = JSON.parse(text);
          } catch {
            prediction = text;
          }
        }
        metric(domain.name, "predict", { Predictions: 1, InvokeMs: Date.now() - started });
        if (res.variant) reply.header("x-model-variant", res.variant);
        return { requestId: request.id, endpoint: endpointName, variant: res.variant ?? null, prediction };
      } catch (err) {
        const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
        request.log.warn({ err, endpoint: endpointName }, "inference failed");
        if (e.name === "ValidationError")
          return refuse(reply, 400, `endpoint refused the input: ${e.message}`);
        if (e.name === "ModelError") return refuse(reply, 502, `model error: ${e.message}`);
        return unavailable(
          reply,
          temporaryFailure(err, `endpoint ${endpointName}`, predictBudgetMs, abortSignal) ??
            `endpoint ${endpointName} unavailable (${e.name ?? "Error"}); retry`,
        );
      }
    },
  );

  return Object.assign(app, {
    setDraining: () => {
      draining = true;
    },
  });
}
