import * as net from "node:net";
import type { AddressInfo } from "node:net";
import { KinesisClient, ListStreamsCommand } from "@aws-sdk/client-kinesis";
import { defineOrders } from "../schemas";
import { marshallItem } from "../sinks/marshall";
import { dynamoDbPort } from "../sinks/ports";
import { createTable, startEmulators, type Emulators } from "../testing/emulators";
import { orderEvent } from "../testing/events";
import { backendHttpHandler } from "./clients";
import type { ApiConfig } from "./config";
import { startLocalIssuer, type LocalIssuer } from "./localIssuer";
import { createApi } from "./main";

/**
 * A loopback TCP server that accepts connections and never answers (a hung AWS endpoint, Redis or
 * JWKS host). `answerRedisInfo` makes it answer Redis' connect-time INFO so the client becomes
 * ready, then hang on every command after it.
 */
async function hungServer(options: { answerRedisInfo?: boolean } = {}) {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    if (options.answerRedisInfo) {
      socket.on("data", (chunk) => {
        if (/info/i.test(chunk.toString())) {
          const info = "# Server\r\nredis_version:7.0.0\r\nloading:0\r\n";
          socket.write(`$${Buffer.byteLength(info)}\r\n${info}\r\n`);
        }
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const ENV_KEYS = [
  "AWS_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_ENDPOINT_URL_KINESIS",
  "AWS_ENDPOINT_URL_DYNAMODB",
  "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME",
] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

let issuer: LocalIssuer;
let hung: Awaited<ReturnType<typeof hungServer>>;
beforeAll(async () => {
  [issuer, hung] = await Promise.all([startLocalIssuer(), hungServer()]);
  Object.assign(process.env, {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
  });
});
afterAll(async () => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await Promise.all([issuer?.stop(), hung?.stop()]);
});

const BUDGETS = { ingestBudgetMs: 1_200, readBudgetMs: 800, predictBudgetMs: 1_000 };
/** Time the answer may take beyond the budget: request handling and a loaded 2-core machine. */
const SLACK_MS = 600;

function config(overrides: Partial<ApiConfig> = {}): ApiConfig {
  return {
    domains: {
      orders: { dataProduct: "orders", streamName: "orders", tableName: "orders-serving" },
      clickstream: {
        dataProduct: "clickstream",
        streamName: "clickstream",
        tableName: "clickstream-serving",
        endpointName: "clickstream-recommender",
      },
    },
    auth: { issuer: issuer.issuer, audience: issuer.audience, jwksUrl: issuer.jwksUrl },
    port: 0,
    host: "127.0.0.1",
    maxBodyBytes: 1024 * 1024,
    maxEventsPerRequest: 500,
    ...BUDGETS,
    metricsNamespace: "Test",
    logLevel: "silent",
    ...overrides,
  };
}

/** The service as `main.ts` builds it (real SDK clients, request handlers, Redis settings). */
async function start(c: ApiConfig) {
  const app = createApi(c, { writeMetrics: () => undefined });
  await app.listen({ port: 0, host: "127.0.0.1" });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

async function timed(url: string, init: RequestInit) {
  const t0 = Date.now();
  const res = await fetch(url, init);
  const body = (await res.json()) as Record<string, unknown>;
  return { status: res.status, headers: res.headers, body, ms: Date.now() - t0 };
}

describe.each(["http", "https"])("backend endpoints that accept and never answer (%s)", (scheme) => {
  let api: Awaited<ReturnType<typeof start>>;
  let auth: Record<string, string>;
  beforeAll(async () => {
    const endpoint = `${scheme}://127.0.0.1:${hung.port}`;
    process.env.AWS_ENDPOINT_URL_KINESIS = endpoint;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
    process.env.AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME = endpoint;
    api = await start(config());
    auth = { authorization: `Bearer ${await issuer.token({ domains: ["orders", "clickstream"] })}` };
  });
  afterAll(async () => {
    await api?.app.close();
  });

  test("a hung Kinesis answers 503 with Retry-After within the ingest budget and reports the events failed", async () => {
    const res = await timed(`${api.url}/v1/orders/events`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify([orderEvent(1), orderEvent(2)]),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.body).toMatchObject({ accepted: 0, failed: 2 });
    expect((res.body.results as { error: string }[])[0].error).toBe(
      "not stored, retry the event: Timeout: Kinesis did not answer within the request budget",
    );
    expect(res.ms).toBeGreaterThanOrEqual(BUDGETS.ingestBudgetMs - 50);
    expect(res.ms).toBeLessThan(BUDGETS.ingestBudgetMs + SLACK_MS);
  });

  test("a hung DynamoDB answers 503 with Retry-After within the read budget, single item and partition", async () => {
    for (const path of ["/v1/orders/items/o-1", "/v1/clickstream/items/SESSION%23s-1"]) {
      const res = await timed(`${api.url}${path}`, { headers: auth });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      expect(res.body).toEqual({
        error: `DynamoDB did not answer within ${BUDGETS.readBudgetMs} ms; retry`,
        requestId: res.headers.get("x-request-id"),
      });
      expect(res.ms).toBeLessThan(BUDGETS.readBudgetMs + SLACK_MS);
    }
  });

  test("a hung SageMaker endpoint answers 503 with Retry-After within the predict budget", async () => {
    const res = await timed(`${api.url}/v1/clickstream/predict`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ features: [1, 2] }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.body.error).toBe(
      `endpoint clickstream-recommender did not answer within ${BUDGETS.predictBudgetMs} ms; retry`,
    );
    expect(res.ms).toBeLessThan(BUDGETS.predictBudgetMs + SLACK_MS);
  });
});

test("the HTTPS agent settings reach https:// endpoints: connections per endpoint stay within maxSockets", async () => {
  // Arrange: a fresh hung server counts the connections the SDK opens.
  const server = await hungServer();
  const client = new KinesisClient({
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    endpoint: `https://127.0.0.1:${server.port}`,
    maxAttempts: 1,
    requestHandler: backendHttpHandler({ maxSockets: 2, attemptTimeoutMs: 60_000 }),
  });
  try {
    // Act: five calls at once; count the connections while they hang, then give them up.
    const abort = new AbortController();
    const calls = Array.from({ length: 5 }, () =>
      client.send(new ListStreamsCommand({}), { abortSignal: abort.signal }).catch((e) => e),
    );
    await new Promise((r) => setTimeout(r, 500));
    const connections = server.accepted();
    abort.abort();
    const errors = await Promise.all(calls);
    // Assert: the agent queued three calls behind two sockets (the SDK's default would open five),
    // and every call ended with the SDK's AbortError.
    expect(connections).toBe(2);
    expect(errors.map((e: Error) => e.name)).toEqual(Array(5).fill("AbortError"));
  } finally {
    client.destroy();
    await server.stop();
  }
});

test("the per-attempt timeout is the SDK's own: a hung attempt fails with TimeoutError, not a warning", async () => {
  const server = await hungServer();
  const client = new KinesisClient({
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    endpoint: `http://127.0.0.1:${server.port}`,
    maxAttempts: 2,
    requestHandler: backendHttpHandler({ attemptTimeoutMs: 300 }),
  });
  try {
    const t0 = Date.now();
    const err = (await client.send(new ListStreamsCommand({})).catch((e) => e)) as Error;
    expect(err.name).toBe("TimeoutError");
    // Two attempts of 300 ms (plus the SDK's backoff between them), then the error.
    expect(server.accepted()).toBe(2);
    expect(Date.now() - t0).toBeLessThan(2_000);
  } finally {
    client.destroy();
    await server.stop();
  }
});

describe("a Redis cache that connects and then never answers", () => {
  let emu: Emulators;
  let redis: Awaited<ReturnType<typeof hungServer>>;
  beforeAll(async () => {
    [emu, redis] = await Promise.all([startEmulators(), hungServer({ answerRedisInfo: true })]);
    await createTable(emu.dynamodb, "orders-serving", defineOrders().tableKey);
    await dynamoDbPort(emu.dynamodb).putItem({
      TableName: "orders-serving",
      Item: marshallItem({ orderId: "o-1", status: "created", total: 3 }),
    });
  });
  afterAll(async () => {
    await Promise.all([emu?.stop(), redis?.stop()]);
  });

  test("is skipped after the command timeout and DynamoDB answers within the read budget", async () => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = emu.endpoints.dynamodb;
    const api = await start(
      config({ cache: { host: "127.0.0.1", port: redis.port, tls: false, ttlSeconds: 30 } }),
    );
    try {
      const auth = { authorization: `Bearer ${await issuer.token({ domains: ["orders"] })}` };
      // Let ioredis connect and pass its ready check, so GET really is sent and left unanswered.
      await new Promise((r) => setTimeout(r, 300));
      const res = await timed(`${api.url}/v1/orders/items/o-1`, { headers: auth });
      expect(res.status).toBe(200);
      expect(res.body.item).toMatchObject({ orderId: "o-1", status: "created" });
      expect(res.ms).toBeLessThan(BUDGETS.readBudgetMs + SLACK_MS);
      expect(redis.accepted()).toBe(1);
    } finally {
      await api.app.close();
    }
  });
});

test("a JWKS host that never answers gives 503 with Retry-After, not 401", async () => {
  const jwks = await hungServer();
  const api = await start(
    config({
      auth: {
        issuer: issuer.issuer,
        audience: issuer.audience,
        jwksUrl: `http://127.0.0.1:${jwks.port}/.well-known/jwks.json`,
      },
    }),
  );
  try {
    const res = await timed(`${api.url}/v1/orders/items/o-1`, {
      headers: { authorization: `Bearer ${await issuer.token({ domains: ["orders"] })}` },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.body.error).toMatch(/^cannot verify tokens now: the issuer's key set \(JWKS\) did not answer/);
    expect(res.ms).toBeLessThan(2_000 + SLACK_MS);
  } finally {
    await api.app.close();
    await jwks.stop();
  }
});

test("a JWKS host that refuses connections gives 503 with Retry-After, not 401", async () => {
  // A port that was just free on loopback: nothing listens there.
  const probe = await hungServer();
  await probe.stop();
  const api = await start(
    config({
      auth: { issuer: issuer.issuer, audience: issuer.audience, jwksUrl: `http://127.0.0.1:${probe.port}/` },
    }),
  );
  try {
    const res = await timed(`${api.url}/v1/orders/items/o-1`, {
      headers: { authorization: `Bearer ${await issuer.token({ domains: ["orders"] })}` },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
  } finally {
    await api.app.close();
  }
});
