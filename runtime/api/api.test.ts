import * as net from "node:net";
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
    expect(res.body.error).toBe('unknown domain "nope"; domains: clickstream, orders');
    // A valid token for other domains is told the domain does not exist, not that it lacks a scope.
    const other = await post(`${api.url}/v1/nope/events`, "{}", {
      authorization: `Bearer ${await token()}`,
      "content-type": "application/json",
    });
    expect(other.status).toBe(404);
    expect(other.body.error).toBe('unknown domain "nope"; domains: clickstream, orders');
    // Without a valid token nothing about the domains is revealed.
    expect(
      (await post(`${api.url}/v1/nope/events`, "{}", { "content-type": "application/json" })).status,
    ).toBe(401);
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

/** Sends raw bytes and returns the status and body of the answer (for requests `fetch` cannot make). */
function rawRequest(
  url: string,
  request: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), "127.0.0.1", () => socket.write(request));
    let data = "";
    socket.on("data", (chunk) => (data += chunk.toString()));
    socket.on("error", reject);
    socket.on("close", () => {
      const [head, body] = data.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), body: JSON.parse(body) });
    });
  });
}

/** The documented error body: exactly `{ error, requestId }`, both non-empty strings. */
function expectErrorBody(body: Record<string, unknown>, error: string | RegExp) {
  expect(Object.keys(body).sort()).toEqual(["error", "requestId"]);
  expect(typeof body.requestId).toBe("string");
  expect(String(body.requestId).length).toBeGreaterThan(0);
  if (typeof error === "string") expect(body.error).toBe(error);
  else expect(body.error).toMatch(error);
}

describe("keys as long as the schemas allow", () => {
  test("a 128-character orderId and a 136-character clickstream key (with a 153-character sortKey) round-trip; longer than DynamoDB can hold is 400", async () => {
    const api = await startApi();
    try {
      const t = await token();
      const auth = { authorization: `Bearer ${t}` };
      // Arrange: keys at the schemas' maximum (128 characters), with characters that need encoding.
      const orderId = ("o/#?%é 東-" + "x".repeat(128)).slice(0, 128);
      const sessionId = ("s/#?&= " + "y".repeat(128)).slice(0, 128);
      const eventId = "e".repeat(128);
      expect([orderId.length, sessionId.length]).toEqual([128, 128]);
      const order = orderEvent(700, { orderId });
      const click = clickstreamEvent(700, { sessionId, eventId });
      const json = { ...auth, "content-type": "application/json" };
      expect((await post(`${api.url}/v1/orders/events`, JSON.stringify(order), json)).status).toBe(200);
      expect((await post(`${api.url}/v1/clickstream/events`, JSON.stringify(click), json)).status).toBe(200);
      await processStream(api, "orders");
      await processStream(api, "clickstream");

      // Act + Assert: GET answers with the item at the maximum length.
      const one = await fetch(`${api.url}/v1/orders/items/${encodeURIComponent(orderId)}`, { headers: auth });
      expect(one.status).toBe(200);
      expect(((await one.json()) as { item: { orderId: string } }).item.orderId).toBe(orderId);
      const pk = `SESSION#${sessionId}`;
      expect(pk.length).toBe(136);
      const partition = await fetch(`${api.url}/v1/clickstream/items/${encodeURIComponent(pk)}`, {
        headers: auth,
      });
      expect(partition.status).toBe(200);
      const [item] = ((await partition.json()) as { items: { sk: string; eventId: string }[] }).items;
      expect(item.eventId).toBe(eventId);
      expect(item.sk.length).toBeGreaterThan(150);
      const bySort = await fetch(
        `${api.url}/v1/clickstream/items/${encodeURIComponent(pk)}?sortKey=${encodeURIComponent(item.sk)}`,
        { headers: auth },
      );
      expect(bySort.status).toBe(200);

      // One character more than the schema allows cannot exist: 404, not a router error.
      const longer = await fetch(`${api.url}/v1/orders/items/${"z".repeat(129)}`, { headers: auth });
      expect(longer.status).toBe(404);
      // Longer than DynamoDB's key limits: 400 saying which limit.
      const tooLong = await fetch(`${api.url}/v1/orders/items/${"é".repeat(1025)}`, { headers: auth });
      expect(tooLong.status).toBe(400);
      expectErrorBody(
        (await tooLong.json()) as Record<string, unknown>,
        "key is 2050 bytes; orderId values are at most 2048 bytes (UTF-8, DynamoDB's partition key limit)",
      );
      const sortTooLong = await fetch(
        `${api.url}/v1/clickstream/items/${encodeURIComponent(pk)}?sortKey=${"s".repeat(1025)}`,
        { headers: auth },
      );
      expect(sortTooLong.status).toBe(400);
      expectErrorBody(
        (await sortTooLong.json()) as Record<string, unknown>,
        "sortKey is 1025 bytes; sk values are at most 1024 bytes (UTF-8, DynamoDB's sort key limit)",
      );
    } finally {
      await api.close();
    }
  });
});

describe("user mistakes answer 4xx with { error, requestId }, never 500", () => {
  let api: Api;
  let auth: Record<string, string>;
  beforeAll(async () => {
    api = await startApi({ maxBodyBytes: 4096 });
    auth = { authorization: `Bearer ${await token()}` };
  });
  afterAll(async () => {
    await api.close();
  });

  test.each([
    ["/v1/orders/items/", "empty key: GET /v1/orders/items/{key} needs the orderId value"],
    [
      "/v1/clickstream/items/SESSION%23s-1?sortKey=",
      "empty sortKey: give a sk value, or leave sortKey out to read the partition's newest 100 items",
    ],
    [
      "/v1/clickstream/items/SESSION%23s-1?sortKey",
      "empty sortKey: give a sk value, or leave sortKey out to read the partition's newest 100 items",
    ],
    ["/v1/clickstream/items/SESSION%23s-1?sortKey=a&sortKey=b", "sortKey given 2 times; give it once"],
    [
      "/v1/orders/items/o-1?sortKey=a",
      'domain "orders" items have no sort key (key: orderId); remove sortKey',
    ],
    ["/v1/orders/items/o-1?sortkey=a", 'unknown query parameter "sortkey"; GET items reads only sortKey'],
    ["/v1/orders/items/o-1?a=1&b=", 'unknown query parameters "a", "b"; GET items reads only sortKey'],
  ])("GET %s is 400: %s", async (path, error) => {
    const res = await fetch(`${api.url}${path}`, { headers: auth });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expectErrorBody(body, error);
    expect(res.headers.get("x-request-id")).toBe(body.requestId);
  });

  test("a caller's x-request-id is kept when it is a plausible id and replaced otherwise", async () => {
    const kept = await fetch(`${api.url}/nope`, { headers: { "x-request-id": "trace-1.2:3_a" } });
    expect(kept.headers.get("x-request-id")).toBe("trace-1.2:3_a");
    expect(((await kept.json()) as Record<string, unknown>).requestId).toBe("trace-1.2:3_a");
    for (const bad of ["a b", "x".repeat(129), "<script>"]) {
      const res = await fetch(`${api.url}/nope`, { headers: { "x-request-id": bad } });
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  test("query parameters on routes that read none are 400, not silently ignored", async () => {
    const json = { ...auth, "content-type": "application/json" };
    const events = await post(`${api.url}/v1/orders/events?dryRun=1`, JSON.stringify(orderEvent(1)), json);
    expect(events.status).toBe(400);
    expectErrorBody(events.body, 'unknown query parameter "dryRun"; POST events takes none');
    const predict = await post(`${api.url}/v1/clickstream/predict?a=&a=`, "{}", json);
    expect(predict.status).toBe(400);
    expectErrorBody(predict.body, 'unknown query parameter "a"; POST predict takes none');
    expect(await streamRecords(api)).toEqual([]);
  });

  test("router errors (404, 414, bad encoding) have the documented body", async () => {
    const cases: [string, RequestInit, number, string | RegExp][] = [
      ["/nope", {}, 404, "no route GET /nope"],
      ["/v1/orders/events", { method: "DELETE" }, 404, "no route DELETE /v1/orders/events"],
      [`/v1/orders/items/${"k".repeat(4097)}`, {}, 414, "a path segment is longer than 4096 characters"],
      ["/v1/orders/items/%E0%A4%A", {}, 400, /^the path is not valid percent-encoding .*encodeURIComponent$/],
    ];
    for (const [path, init, status, error] of cases) {
      const res = await fetch(`${api.url}${path}`, { headers: auth, ...init });
      expect([path, res.status]).toEqual([path, status]);
      const body = (await res.json()) as Record<string, unknown>;
      expectErrorBody(body, error);
      expect(res.headers.get("x-request-id")).toBe(body.requestId);
    }
  });

  test("content-type, body-size and HTTP parser errors have the documented body", async () => {
    const url = `${api.url}/v1/orders/events`;
    const noType = await fetch(url, { method: "POST", headers: auth, body: new TextEncoder().encode("{}") });
    expect(noType.status).toBe(415);
    expectErrorBody(
      (await noType.json()) as Record<string, unknown>,
      "content type not supported: use application/json or application/x-ndjson",
    );
    const xml = await post(url, "<a/>", { ...auth, "content-type": "application/xml" });
    expect(xml.status).toBe(415);
    expectErrorBody(xml.body, /^content type not supported/);
    const big = await post(url, JSON.stringify({ notes: "n".repeat(5000) }), {
      ...auth,
      "content-type": "application/json",
    });
    expect(big.status).toBe(413);
    expectErrorBody(big.body, "request body larger than 4096 bytes");
    const empty = await post(url, "", { ...auth, "content-type": "application/json" });
    expect(empty.status).toBe(400);
    expectErrorBody(empty.body, "empty JSON body");
    // Requests Node's HTTP parser refuses never reach a route: same body shape, no stack trace.
    const badLength = await rawRequest(
      api.url,
      "POST /v1/orders/events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    );
    expect(badLength.status).toBe(400);
    expectErrorBody(badLength.body, /^malformed HTTP request \(HPE_/);
    const hugeHeader = await rawRequest(
      api.url,
      `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${"h".repeat(20_000)}\r\n\r\n`,
    );
    expect(hugeHeader.status).toBe(431);
    expectErrorBody(hugeHeader.body, "request headers too large");
  });

  test("no answer in this block was a 5xx", () => {
    const statuses = api.logs.filter((l) => l.msg === "request completed").map((l) => l.status as number);
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });
});

describe("JSON and NDJSON bodies are parsed alike", () => {
  test("a byte order mark is ignored in both, and a __proto__ key is refused in both with a message that says so", async () => {
    const api = await startApi();
    try {
      const auth = { authorization: `Bearer ${await token()}` };
      const json = { ...auth, "content-type": "application/json" };
      const ndjson = { ...auth, "content-type": "application/x-ndjson" };
      const bomJson = await post(
        `${api.url}/v1/orders/events`,
        "\ufeff" + JSON.stringify(orderEvent(800)),
        json,
      );
      expect(bomJson.status).toBe(200);
      const bomNd = await post(
        `${api.url}/v1/orders/events`,
        "\ufeff" + [orderEvent(801), orderEvent(802)].map((e) => JSON.stringify(e)).join("\n"),
        ndjson,
      );
      expect(bomNd.status).toBe(200);
      expect(bomNd.body).toMatchObject({ accepted: 2, rejected: 0 });

      const poisoned = `{"__proto__":{"admin":true},${JSON.stringify(orderEvent(803)).slice(1)}`;
      const protoJson = await post(`${api.url}/v1/orders/events`, poisoned, json);
      expect(protoJson.status).toBe(400);
      expectErrorBody(
        protoJson.body,
        'request body: valid JSON, but an object has a "__proto__" key, which the API refuses (prototype pollution guard); rename or remove that key',
      );
      const protoNd = await post(
        `${api.url}/v1/orders/events`,
        [poisoned, JSON.stringify(orderEvent(804))].join("\n"),
        ndjson,
      );
      expect(protoNd.status).toBe(207);
      expect((protoNd.body.results as { status: string; error?: string }[])[0]).toEqual({
        index: 0,
        status: "rejected",
        error:
          'line 1: valid JSON, but an object has a "__proto__" key, which the API refuses (prototype pollution guard); rename or remove that key',
      });
      const onStream = (await streamRecords(api)).map((r) => r.orderId);
      expect(onStream).toEqual([800, 801, 802, 804].map((i) => orderEvent(i).orderId));
    } finally {
      await api.close();
    }
  });
});

describe("token claims", () => {
  let api: Api;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });
  const send = (t: string) =>
    post(`${api.url}/v1/orders/events`, JSON.stringify(orderEvent(900)), {
      "content-type": "application/json",
      authorization: `Bearer ${t}`,
    });
  const now = () => Math.floor(Date.now() / 1000);

  test("a token without exp is refused: tokens must expire", async () => {
    const res = await send(await issuer.token({ domains: ["orders"], expiresIn: null }));
    expect(res.status).toBe(401);
    expectErrorBody(res.body, 'token has no "exp" claim; tokens must carry one');
  });

  test("iat in the future beyond the 5 s clock tolerance is refused; within it the token works", async () => {
    const future = await send(
      await issuer.token({ domains: ["orders"], issuedAt: now() + 10 * 365 * 86_400, expiresIn: "11y" }),
    );
    expect(future.status).toBe(401);
    expectErrorBody(future.body, 'token claim "iat" is in the future (beyond the 5 s clock tolerance)');
    const skewed = await send(await issuer.token({ domains: ["orders"], issuedAt: now() + 3 }));
    expect(skewed.status).toBe(200);
  });

  test("forged, unsigned, confused-algorithm, not-yet-valid and foreign-issuer tokens are refused with 401", async () => {
    const before = (await streamRecords(api)).length;
    const jwks = (await (await fetch(issuer.jwksUrl)).json()) as { keys: Record<string, unknown>[] };
    const claims = { scope: "orders/write", client_id: issuer.audience };
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const unsigned = `${b64({ alg: "none" })}.${b64({ ...claims, iss: issuer.issuer, exp: now() + 600 })}.`;
    const hsConfused = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", kid: "local-1" })
      .setIssuer(issuer.issuer)
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])));
    const { privateKey } = await generateKeyPair("ES256");
    const unknownKid = await new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid: "other" })
      .setIssuer(issuer.issuer)
      .setExpirationTime("1h")
      .sign(privateKey);
    const notYet = await issuer.token({ domains: ["orders"], notBefore: "1h" });
    const foreign = await new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid: "local-1" })
      .setIssuer("https://evil.example")
      .setExpirationTime("1h")
      .sign(privateKey);
    const refused: [string, string | RegExp][] = [
      [unsigned, "token signature or format invalid"],
      [hsConfused, "token signature or format invalid"],
      [unknownKid, "token signed with a key the issuer does not publish"],
      [notYet, /^token claim "nbf" invalid/],
      [foreign, /^token (signature invalid|claim "iss" invalid)/],
      ["abc.def.ghi", "token signature or format invalid"],
    ];
    for (const [t, error] of refused) {
      const res = await send(t);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expectErrorBody(res.body, error);
    }
    expect((await streamRecords(api)).length).toBe(before);
  });
});

test("a request that arrives while the service closes gets 503 with Retry-After and the documented body", async () => {
  // Arrange: one ingestion request held in Kinesis, so closing waits for it.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const api = await startApi({
    kinesis: (real) => ({ putRecords: async (input) => (await held, real.putRecords(input)) }),
  });
  const t = await token(["orders"]);
  const socket = net.connect(Number(new URL(api.url).port), "127.0.0.1");
  let data = "";
  socket.on("data", (chunk) => (data += chunk.toString()));
  const ended = new Promise((resolve) => socket.on("close", resolve));
  const body = JSON.stringify(orderEvent(950));
  socket.write(
    `POST /v1/orders/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  await new Promise((r) => setTimeout(r, 200));
  // Act: close, then a second request on the same keep-alive connection.
  const closed = api.close();
  await new Promise((r) => setTimeout(r, 50));
  socket.write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
  await new Promise((r) => setTimeout(r, 50));
  release();
  await Promise.all([closed, ended]);
  // Assert: the held request completed; the late one was refused in the documented shape.
  const answers = data.split(/(?=HTTP\/1\.1 )/);
  expect(answers.map((a) => a.split("\r\n")[0])).toEqual([
    "HTTP/1.1 200 OK",
    "HTTP/1.1 503 Service Unavailable",
  ]);
  expect(answers[1]).toMatch(/\r\nretry-after: 1\r\n/i);
  expectErrorBody(JSON.parse(answers[1].split("\r\n\r\n")[1]), "the service is shutting down");
});
