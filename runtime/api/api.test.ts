import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { defineClickstream, defineOrders } from "../schemas";
import { dynamoDbPort, objectStorePort } from "../sinks/ports";
import { jsonLogger } from "../telemetry/log";
import { createKinesisProcessor } from "../processor/processor";
import {
  createStream,
  createTable,
  readAsLambdaEvents,
  startEmulators,
  type Emulators,
} from "../testing/emulators";
import { clickstreamEvent, orderEvent } from "../testing/events";
import { FakeFirehose } from "../testing/fakes";
import { jwtAuthorizer } from "./auth";
import { startLocalIssuer, type LocalIssuer } from "./localIssuer";
import { itemsPort, type PredictPort } from "./ports";
import { kinesisPort, type KinesisPort } from "./putRecords";
import { buildApiServer, type ApiDependencies } from "./server";

const BUCKET = "dead-letters";
let emu: Emulators;
let issuer: LocalIssuer;
let n = 0;
const unique = (p: string) => `${p}-${++n}-${Date.now() % 100000}`;

beforeAll(async () => {
  [emu, issuer] = await Promise.all([startEmulators({ buckets: [BUCKET] }), startLocalIssuer()]);
});
afterAll(async () => {
  await Promise.all([emu?.stop(), issuer?.stop()]);
});

interface Stream {
  name: string;
  arn: string;
  shardIds: string[];
}

interface Api {
  url: string;
  stream: Stream;
  table: string;
  click: { stream: Stream; table: string };
  metrics: Record<string, unknown>[];
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** The API on a loopback port over fresh orders/clickstream streams and tables in the emulators. */
async function startApi(
  options: {
    kinesis?: (real: KinesisPort) => KinesisPort;
    predict?: PredictPort;
    maxBodyBytes?: number;
    ingestBudgetMs?: number;
  } = {},
): Promise<Api> {
  const names = { orders: unique("orders"), click: unique("click") };
  const stream = { name: names.orders, ...(await createStream(emu.kinesis, names.orders)) };
  const clickStream = { name: names.click, ...(await createStream(emu.kinesis, names.click)) };
  const table = unique("orders-serving");
  const clickTable = unique("click-serving");
  await createTable(emu.dynamodb, table, defineOrders().tableKey);
  await createTable(emu.dynamodb, clickTable, defineClickstream().tableKey);
  const metrics: Record<string, unknown>[] = [];
  const logs: Record<string, unknown>[] = [];
  const real = kinesisPort(emu.kinesis);
  const deps: ApiDependencies = {
    config: {
      domains: {
        orders: { dataProduct: "orders", streamName: stream.name, tableName: table },
        clickstream: {
          dataProduct: "clickstream",
          streamName: clickStream.name,
          tableName: clickTable,
          endpointName: "clickstream-recommender",
        },
      },
      maxBodyBytes: options.maxBodyBytes ?? 256 * 1024,
      maxEventsPerRequest: 100,
      ingestBudgetMs: options.ingestBudgetMs ?? 5_000,
      logLevel: "info",
    },
    logStream: { write: (l) => void logs.push(JSON.parse(l)) },
    authorizer: jwtAuthorizer({ issuer: issuer.issuer, audience: issuer.audience, jwksUrl: issuer.jwksUrl }),
    kinesis: options.kinesis ? options.kinesis(real) : real,
    items: itemsPort(emu.dynamodb),
    predict: options.predict,
    writeMetrics: (l) => metrics.push(JSON.parse(l)),
    retry: { baseDelayMs: 2, maxDelayMs: 10 },
  };
  const app = buildApiServer(deps);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    url,
    stream,
    table,
    click: { stream: clickStream, table: clickTable },
    metrics,
    logs,
    close: () => app.close(),
  };
}

async function token(domains = ["orders", "clickstream"]): Promise<string> {
  return issuer.token({ domains });
}

async function post(url: string, body: string, headers: Record<string, string>) {
  const res = await fetch(url, { method: "POST", body, headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** Runs the real stream processor over everything on the stream, into the serving table. */
async function processStream(api: Api, product: "orders" | "clickstream" = "orders"): Promise<void> {
  const [stream, table] =
    product === "orders" ? [api.stream, api.table] : [api.click.stream, api.click.table];
  const handler = createKinesisProcessor({
    product: (product === "orders" ? defineOrders() : defineClickstream()) as never,
    table: { port: dynamoDbPort(emu.dynamodb), tableName: table },
    delivery: { port: new FakeFirehose(), deliveryStreamName: "lake-raw" },
    deadLetter: { port: objectStorePort(emu.s3), bucket: BUCKET, prefix: `${unique("dl")}/` },
    logger: jsonLogger({ write: () => undefined }),
    writeMetrics: () => undefined,
  });
  for (const shardId of stream.shardIds) {
    for (const event of await readAsLambdaEvents(emu.kinesis, stream, shardId)) {
      const res = await handler(event, { getRemainingTimeInMillis: () => 60_000, awsRequestId: "t" });
      expect(res.batchItemFailures).toEqual([]);
    }
  }
}

/** Every record on the stream, decoded. */
async function streamRecords(api: Api): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const shardId of api.stream.shardIds) {
    for (const event of await readAsLambdaEvents(emu.kinesis, api.stream, shardId, 10_000)) {
      for (const r of event.Records) out.push(JSON.parse(Buffer.from(r.kinesis.data, "base64").toString()));
    }
  }
  return out;
}

describe("ingestion API against kinesalite and dynalite", () => {
  test("a mixed batch answers per event and only the valid events reach the serving table", async () => {
    const api = await startApi();
    try {
      const events = [
        orderEvent(1),
        { ...orderEvent(2), total: -5 },
        orderEvent(3),
        { orderId: "order-x" },
        orderEvent(4),
      ];
      const res = await post(`${api.url}/v1/orders/events`, JSON.stringify(events), {
        authorization: `Bearer ${await token()}`,
        "content-type": "application/json",
      });
      expect(res.status).toBe(207);
      expect(res.body).toMatchObject({ accepted: 3, rejected: 2, failed: 0 });
      const results = res.body.results as { index: number; status: string; error?: string }[];
      expect(results.map((r) => r.status)).toEqual([
        "accepted",
        "rejected",
        "accepted",
        "rejected",
        "accepted",
      ]);
      expect(results[1].error).toMatch(/^total: /);
      expect(results[3].error).toMatch(/customerId/);
      expect(res.headers.get("x-request-id")).toBe(res.body.requestId);

      await processStream(api);
      for (const i of [1, 3, 4]) {
        const item = await fetch(`${api.url}/v1/orders/items/${orderEvent(i).orderId}`, {
          headers: { authorization: `Bearer ${await token(["orders"])}` },
        });
        expect(item.status).toBe(200);
        expect(((await item.json()) as { item: Record<string, unknown> }).item).toMatchObject({
          orderId: orderEvent(i).orderId,
          total: orderEvent(i).total,
        });
      }
      const missing = await fetch(`${api.url}/v1/orders/items/${orderEvent(2).orderId}`, {
        headers: { authorization: `Bearer ${await token(["orders"])}` },
      });
      expect(missing.status).toBe(404);
      expect(api.metrics[0]).toMatchObject({ Domain: "orders", Route: "events", Accepted: 3, Rejected: 2 });
      // One structured log line per request, carrying the request id the client saw.
      expect(api.logs.find((l) => l.requestId === res.body.requestId)).toMatchObject({
        msg: "request completed",
        method: "POST",
        route: "/v1/:domain/events",
        status: 207,
      });
    } finally {
      await api.close();
    }
  });

  test("NDJSON bodies are accepted line by line and a malformed line is rejected on its own", async () => {
    const api = await startApi();
    try {
      const body = [JSON.stringify(orderEvent(10)), "{not json", "", JSON.stringify(orderEvent(11))].join(
        "\n",
      );
      const res = await post(`${api.url}/v1/orders/events`, body, {
        authorization: `Bearer ${await token()}`,
        "content-type": "application/x-ndjson",
      });
      expect(res.status).toBe(207);
      const results = res.body.results as { status: string; error?: string }[];
      expect(results.map((r) => r.status)).toEqual(["accepted", "rejected", "accepted"]);
      expect(results[1].error).toMatch(/^line 2: not valid JSON: /);
      expect((await streamRecords(api)).map((r) => r.orderId)).toEqual([
        orderEvent(10).orderId,
        orderEvent(11).orderId,
      ]);
    } finally {
      await api.close();
    }
  });

  test("oversized, malformed, empty, too many and wrongly typed bodies get clear 4xx and nothing is written", async () => {
    const api = await startApi({ maxBodyBytes: 4096 });
    try {
      const auth = { authorization: `Bearer ${await token()}` };
      const json = { ...auth, "content-type": "application/json" };
      const big = await post(`${api.url}/v1/orders/events`, JSON.stringify([orderEvent(1, {}, 200)]), json);
      expect(big.status).toBe(413);
      expect(big.body.error).toBe("request body larger than 4096 bytes");
      const malformed = await post(`${api.url}/v1/orders/events`, '[{"orderId": "a",', json);
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toMatch(/^request body: not valid JSON: /);
      const empty = await post(`${api.url}/v1/orders/events`, "[]", json);
      expect(empty.status).toBe(400);
      expect(empty.body.error).toBe("no events in the request body");
      const scalar = await post(`${api.url}/v1/orders/events`, "42", json);
      expect(scalar.status).toBe(400);
      const many = await post(
        `${api.url}/v1/orders/events`,
        JSON.stringify(Array.from({ length: 101 }, () => ({}))),
        json,
      );
      expect(many.status).toBe(413);
      expect(many.body.error).toBe("101 events; at most 100 per request");
      const text = await post(`${api.url}/v1/orders/events`, "hello", {
        ...auth,
        "content-type": "text/plain",
      });
      expect(text.status).toBe(415);
      const invalid = await post(`${api.url}/v1/orders/events`, JSON.stringify({ orderId: "" }), json);
      expect(invalid.status).toBe(422);
      expect(await streamRecords(api)).toEqual([]);
    } finally {
      await api.close();
    }
  });

  test("PutRecords partial failures are retried entry by entry and every accepted event is on the stream once", async () => {
    // Arrange: the first three calls fail every other entry with throttling, as Kinesis does under load.
    const calls: number[] = [];
    const api = await startApi({
      kinesis: (real) => ({
        putRecords: async (input) => {
          calls.push(input.Records!.length);
          if (calls.length > 3) return real.putRecords(input);
          const keep = input.Records!.filter((_, i) => i % 2 === 1);
          const stored = await real.putRecords({ ...input, Records: keep });
          let k = 0;
          return {
            FailedRecordCount: input.Records!.length - keep.length,
            Records: input.Records!.map((_, i) =>
              i % 2 === 1
                ? stored.Records![k++]
                : { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "Rate exceeded" },
            ),
          };
        },
      }),
    });
    try {
      // Act
      const events = Array.from({ length: 40 }, (_, i) => orderEvent(100 + i));
      const res = await post(`${api.url}/v1/orders/events`, JSON.stringify(events), {
        authorization: `Bearer ${await token()}`,
        "content-type": "application/json",
      });
      // Assert: each retry carried only the entries that failed (20, then 10, then 5).
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ accepted: 40, rejected: 0, failed: 0 });
      expect(calls).toEqual([40, 20, 10, 5]);
      const onStream = (await streamRecords(api)).map((r) => r.orderId).sort();
      expect(onStream).toEqual(events.map((e) => e.orderId).sort());
      expect(api.metrics[0]).toMatchObject({ PutRecordsCalls: 4, RetriedRecords: 35 });
    } finally {
      await api.close();
    }
  });

  test("when Kinesis keeps failing, unstored events answer 503 as failed and none is reported accepted", async () => {
    const api = await startApi({
      ingestBudgetMs: 100,
      kinesis: (real) => ({
        putRecords: async (input) => {
          const first = input.Records!.slice(0, 1);
          const stored = await real.putRecords({ ...input, Records: first });
          return {
            FailedRecordCount: input.Records!.length - 1,
            Records: input.Records!.map((_, i) =>
              i === 0
                ? stored.Records![0]
                : { ErrorCode: "InternalFailure", ErrorMessage: "Internal service failure" },
            ),
          };
        },
      }),
    });
    try {
      const events = Array.from({ length: 200 }, (_, i) => orderEvent(300 + i));
      const res = await post(`${api.url}/v1/orders/events`, JSON.stringify(events.slice(0, 100)), {
        authorization: `Bearer ${await token()}`,
        "content-type": "application/json",
      });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      const results = res.body.results as { status: string; error?: string }[];
      const accepted = results.filter((r) => r.status === "accepted").length;
      expect(accepted).toBeGreaterThan(0);
      expect(res.body.failed).toBe(100 - accepted);
      expect(results.find((r) => r.status === "failed")?.error).toMatch(
        /^not stored, retry the event: InternalFailure/,
      );
      // Exactly the accepted events are on the stream.
      expect((await streamRecords(api)).length).toBe(accepted);
    } finally {
      await api.close();
    }
  });
});

describe("authentication", () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });
  const send = (authorization?: string) =>
    post(`${api.url}/v1/orders/events`, JSON.stringify(orderEvent(1)), {
      "content-type": "application/json",
      ...(authorization ? { authorization } : {}),
    });

  test("a request without a token is refused with 401 and a Bearer challenge", async () => {
    const res = await send();
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(res.body.error).toMatch(/missing bearer token/);
  });

  test("a token signed by another key, an expired token and a token for another audience are refused", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    void (await exportJWK(publicKey));
    const forged = await new SignJWT({ scope: "orders/write", client_id: issuer.audience })
      .setProtectedHeader({ alg: "ES256", kid: "local-1" })
      .setIssuer(issuer.issuer)
      .setExpirationTime("1h")
      .sign(privateKey);
    expect((await send(`Bearer ${forged}`)).status).toBe(401);
    const expired = await issuer.token({ domains: ["orders"], expiresIn: "-1m" });
    expect((await send(`Bearer ${expired}`)).body.error).toBe("token expired");
    const wrongAudience = await new SignJWT({ scope: "orders/write" })
      .setProtectedHeader({ alg: "ES256", kid: "local-1" })
      .setIssuer(issuer.issuer)
      .setExpirationTime("1h")
      .sign(privateKey);
    expect((await send(`Bearer ${wrongAudience}`)).status).toBe(401);
    expect((await send("Basic dXNlcjpwYXNz")).status).toBe(401);
    expect(await streamRecords(api)).toEqual([]);
  });

  test("a valid token without the domain's scope is refused with 403", async () => {
    const readOnly = await issuer.token({ scopes: ["orders/read", "clickstream/write"] });
    const res = await send(`Bearer ${readOnly}`);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe("token lacks scope orders/write");
  });

  test("an unknown domain is 404 and health checks need no token", async () => {
    const t = await issuer.token({ scopes: ["nope/write"] });
    const res = await post(`${api.url}/v1/nope/events`, "{}", {
      authorization: `Bearer ${t}`,
      "content-type": "application/json",
    });
    expect(res.status).toBe(404);
    expect((await fetch(`${api.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${api.url}/health/live`)).status).toBe(200);
  });
});

describe("serving and inference", () => {
  test("items of a table with a sort key come back newest first for the partition, or one by sort key", async () => {
    const api = await startApi();
    try {
      const t = await token();
      const events = [0, 1, 2].map((i) => clickstreamEvent(i));
      const ingest = await post(`${api.url}/v1/clickstream/events`, JSON.stringify(events), {
        authorization: `Bearer ${t}`,
        "content-type": "application/json",
      });
      expect(ingest.status).toBe(200);
      await processStream(api, "clickstream");
      const pk = encodeURIComponent(`SESSION#${events[0].sessionId}`);
      const partition = await fetch(`${api.url}/v1/clickstream/items/${pk}`, {
        headers: { authorization: `Bearer ${t}` },
      });
      expect(partition.status).toBe(200);
      const items = ((await partition.json()) as { items: { eventId: string; sk: string }[] }).items;
      expect(items.map((i) => i.eventId)).toEqual([2, 1, 0].map((i) => events[i].eventId));
      const one = await fetch(
        `${api.url}/v1/clickstream/items/${pk}?sortKey=${encodeURIComponent(items[1].sk)}`,
        {
          headers: { authorization: `Bearer ${t}` },
        },
      );
      expect(((await one.json()) as { item: { eventId: string } }).item.eventId).toBe(events[1].eventId);
      const none = await fetch(`${api.url}/v1/clickstream/items/SESSION%23nobody`, {
        headers: { authorization: `Bearer ${t}` },
      });
      expect(none.status).toBe(404);
    } finally {
      await api.close();
    }
  });

  test("predict names the variant that answered and a domain without an endpoint gets 404", async () => {
    const seen: string[] = [];
    const api = await startApi({
      predict: {
        invoke: async (r) => {
          seen.push(r.endpointName);
          const input = JSON.parse(Buffer.from(r.body).toString());
          return {
            body: Buffer.from(JSON.stringify({ score: input.features.length / 10 })),
            contentType: "application/json",
            variant: "challenger",
          };
        },
      },
    });
    try {
      const t = await token();
      const res = await post(`${api.url}/v1/clickstream/predict`, JSON.stringify({ features: [1, 2, 3] }), {
        authorization: `Bearer ${t}`,
        "content-type": "application/json",
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        endpoint: "clickstream-recommender",
        variant: "challenger",
        prediction: { score: 0.3 },
      });
      expect(res.headers.get("x-model-variant")).toBe("challenger");
      expect(seen).toEqual(["clickstream-recommender"]);
      const none = await post(`${api.url}/v1/orders/predict`, "{}", {
        authorization: `Bearer ${t}`,
        "content-type": "application/json",
      });
      expect(none.status).toBe(404);
      expect(none.body.error).toBe('domain "orders" has no inference endpoint');
    } finally {
      await api.close();
    }
  });
});
