import { randomUUID } from "node:crypto";
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
import type { ItemsPort, PredictPort } from "./ports";
import type { KinesisPort } from "./putRecords";
import type { RetryPolicy, Timing } from "../sinks/retry";

/** Everything the service needs; clients come in as ports so tests can inject faults. */
export interface ApiDependencies {
  readonly config: Pick<ApiConfig, "domains" | "maxBodyBytes" | "maxEventsPerRequest" | "ingestBudgetMs"> &
    Partial<Pick<ApiConfig, "metricsNamespace" | "logLevel">>;
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

const NDJSON = ["application/x-ndjson", "application/ndjson", "application/jsonl"];

/** Answers an error as `{ error, requestId }` JSON. */
function refuse(reply: FastifyReply, status: number, error: string, extra: Record<string, unknown> = {}) {
  return reply.code(status).send({ error, requestId: reply.request.id, ...extra });
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

  const app = Fastify({
    logger: {
      level: config.logLevel ?? "info",
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    },
    bodyLimit: config.maxBodyBytes,
    requestIdHeader: "x-request-id",
    genReqId: () => randomUUID(),
    // One log line per request, written by the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "requestId" }),
    return503OnClosing: true,
  });

  // JSON (Fastify's own parser) and NDJSON only; Fastify's default text/plain parser is removed.
  app.removeContentTypeParser("text/plain");
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
      return refuse(reply, err.statusCode, err.message);
    }
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return refuse(reply, 413, `request body larger than ${config.maxBodyBytes} bytes`);
    }
    if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      return refuse(reply, 415, `content type not supported: use application/json or ${NDJSON[0]}`);
    }
    if (err.code === "FST_ERR_CTP_EMPTY_JSON_BODY") return refuse(reply, 400, "empty JSON body");
    if (err instanceof SyntaxError || err.code === "FST_ERR_CTP_INVALID_JSON_BODY") {
      return refuse(reply, 400, `malformed JSON body: ${err.message}`);
    }
    if (status >= 400 && status < 500) return refuse(reply, status, err.message);
    request.log.error({ err }, "request failed");
    return refuse(reply, 500, "internal error");
  });

  app.setNotFoundHandler((request, reply) => refuse(reply, 404, `no route ${request.method} ${request.url}`));

  // Authentication runs on `onRequest`, before the body is read or parsed.
  const guard = (action: ApiAction) => async (request: DomainRequest) => {
    await deps.authorizer.authorize(request.headers.authorization, request.params.domain, action);
  };
  const domainOf = (request: DomainRequest, reply: FastifyReply): Domain | undefined => {
    const d = domains.get(request.params.domain);
    if (!d) void refuse(reply, 404, `unknown domain "${request.params.domain}"`);
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
        putOptions: { retry: deps.retry, timing: deps.timing },
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

  app.get<{ Params: { domain: string; key: string }; Querystring: { sortKey?: string } }>(
    "/v1/:domain/items/:key",
    { onRequest: guard("read") },
    async (request, reply) => {
      const domain = domainOf(request, reply);
      if (!domain) return reply;
      const { hashKey, rangeKey } = domain.product.tableKey;
      const sortKey = request.query.sortKey;
      if (rangeKey && sortKey === undefined) {
        const res = await deps.items.query({
          TableName: domain.route.tableName,
          KeyConditionExpression: "#k = :k",
          ExpressionAttributeNames: { "#k": hashKey },
          ExpressionAttributeValues: { ":k": { S: request.params.key } },
          ScanIndexForward: false,
          Limit: API_DEFAULTS.queryLimit,
        });
        const items = (res.Items ?? []).map(unmarshallItem);
        if (items.length === 0) return refuse(reply, 404, `no items with ${hashKey} = ${request.params.key}`);
        return { items };
      }
      const key: Record<string, string> = { [hashKey]: request.params.key };
      if (rangeKey) key[rangeKey] = sortKey as string;
      const res = await deps.items.getItem({ TableName: domain.route.tableName, Key: marshallItem(key) });
      if (!res.Item) return refuse(reply, 404, `no item with ${JSON.stringify(key)}`);
      return { item: unmarshallItem(res.Item) };
    },
  );

  app.post<{ Params: { domain: string }; Body: unknown }>(
    "/v1/:domain/predict",
    { onRequest: guard("predict") },
    async (request, reply) => {
      const domain = domainOf(request, reply);
      if (!domain) return reply;
      const endpointName = domain.route.endpointName;
      if (!endpointName) return refuse(reply, 404, `domain "${domain.name}" has no inference endpoint`);
      if (!deps.predict) return refuse(reply, 503, "inference is not configured in this environment");
      const started = Date.now();
      try {
        const res = await deps.predict.invoke({
          endpointName,
          body: Buffer.from(typeof request.body === "string" ? request.body : JSON.stringify(request.body)),
          contentType: "application/json",
        });
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
        return refuse(reply, 503, `endpoint unavailable: ${e.name ?? "Error"}`);
      }
    },
  );

  return Object.assign(app, {
    setDraining: () => {
      draining = true;
    },
  });
}
