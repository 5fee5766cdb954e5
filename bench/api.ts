/**
 * `npm run bench:api`: load on the ingestion API over loopback, backed by kinesalite.
 *
 * The API runs in a child process (the service exactly as `runtime/api/server.ts` builds it, JWT
 * verification and JSON request logs included, logs discarded); this process runs kinesalite and
 * the load generator (autocannon). Each scenario is bounded in time and in request count. After
 * each scenario every shard is read back and the records on the stream are compared with the
 * events the API reported as accepted (nothing accepted may be missing).
 *
 * Options: --seconds <n> (default 10), --connections <n> (default 10), --max-requests <n> (default 200000), --json.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { integerOption, parseCommandLine, runCommand } from "../cli/args";

export const USAGE = `usage: npm run bench:api -- [--seconds <1-3600>] [--connections <1-1000>] [--max-requests <n>] [--json]
    defaults: 10 s, 10 connections, 200000 requests per scenario`;

/** The bench's options, checked before anything starts (emulators, the API, the load generator). */
export function benchOptions(argv: string[]) {
  const { values } = parseCommandLine(
    {
      args: argv,
      options: {
        seconds: { type: "string" },
        connections: { type: "string" },
        "max-requests": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean" },
      },
    },
    USAGE,
  );
  return {
    help: values.help ?? false,
    json: values.json ?? false,
    seconds: integerOption("seconds", values.seconds, { min: 1, max: 3600 }, 10),
    connections: integerOption("connections", values.connections, { min: 1, max: 1000 }, 10),
    maxRequests: integerOption("max-requests", values["max-requests"], { min: 1 }, 200_000),
  };
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number; average: number };
  throughput: { average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}

const SERVER = `
const { buildApiServer } = require(${JSON.stringify(path.join(__dirname, "..", "runtime", "api", "server"))});
const { jwtAuthorizer } = require(${JSON.stringify(path.join(__dirname, "..", "runtime", "api", "auth"))});
const { kinesisPort } = require(${JSON.stringify(path.join(__dirname, "..", "runtime", "api", "putRecords"))});
const { itemsPort } = require(${JSON.stringify(path.join(__dirname, "..", "runtime", "api", "ports"))});
const { KinesisClient } = require("@aws-sdk/client-kinesis");
const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");
const { NodeHttpHandler } = require("@smithy/node-http-handler");
const cfg = JSON.parse(process.env.BENCH_CONFIG);
const creds = { region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } };
const kinesis = new KinesisClient({ ...creds, endpoint: cfg.kinesis,
  requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 64 } }) });
const app = buildApiServer({
  config: { domains: cfg.domains, maxBodyBytes: 1048576, maxEventsPerRequest: 500, ingestBudgetMs: 10000, logLevel: "info" },
  authorizer: jwtAuthorizer(cfg.auth),
  kinesis: kinesisPort(kinesis),
  items: itemsPort(new DynamoDBClient({ ...creds, endpoint: cfg.dynamodb })),
  writeMetrics: () => undefined,
  logStream: { write: () => undefined },
});
app.listen({ port: 0, host: "127.0.0.1" }).then(() => process.send({ port: app.server.address().port }));
`;

/** Records on a shard, read from the start until a read returns nothing. */
async function countShard(kinesis: KinesisClient, streamName: string, shardId: string): Promise<number> {
  const { GetRecordsCommand, GetShardIteratorCommand } = await import("@aws-sdk/client-kinesis");
  const it = await kinesis.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: shardId,
      ShardIteratorType: "TRIM_HORIZON",
    }),
  );
  let iterator = it.ShardIterator;
  let n = 0;
  while (iterator) {
    const res = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    const got = res.Records?.length ?? 0;
    if (got === 0) break;
    n += got;
    iterator = res.NextShardIterator;
  }
  return n;
}

function startServer(config: object): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "-e", SERVER], {
    env: { ...process.env, BENCH_CONFIG: JSON.stringify(config) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (m: { port: number }) => resolve({ child, url: `http://127.0.0.1:${m.port}` }));
    child.once("exit", (code) => reject(new Error(`API server exited with ${code}`)));
  });
}

async function main(): Promise<number> {
  const values = benchOptions(process.argv.slice(2));
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  const { seconds, connections, maxRequests } = values;
  // Loaded once the options hold: the SDK, the emulators and the load generator take seconds.
  const autocannon = require("autocannon") as (opts: Record<string, unknown>) => Promise<AutocannonResult>;
  const { startLocalIssuer } = await import("../runtime/api/localIssuer");
  const { createStream, startEmulators } = await import("../runtime/testing/emulators");
  const { orderEvent } = await import("../runtime/testing/events");
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ");
  const machine = {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    node: process.version,
    loadBefore: load(),
  };

  const emu = await startEmulators();
  const issuer = await startLocalIssuer();
  const shards = 4;
  const stream = { name: "bench-orders", ...(await createStream(emu.kinesis, "bench-orders", shards)) };
  const { child, url } = await startServer({
    kinesis: emu.endpoints.kinesis,
    dynamodb: emu.endpoints.dynamodb,
    domains: { orders: { dataProduct: "orders", streamName: stream.name, tableName: "bench-orders-table" } },
    auth: { issuer: issuer.issuer, audience: issuer.audience, jwksUrl: issuer.jwksUrl },
  });
  const token = await issuer.token({ domains: ["orders"] });
  const results: Record<string, unknown>[] = [];
  let onStreamBefore = 0;
  try {
    for (const batch of [1, 100]) {
      // Distinct bodies so partition keys spread over the shards (as real producers' do).
      const bodies = Array.from({ length: 64 }, (_, b) =>
        JSON.stringify(
          batch === 1
            ? orderEvent(b * 1000)
            : Array.from({ length: batch }, (__, i) => orderEvent(b * 1000 + i)),
        ),
      );
      let accepted = 0;
      let failedEvents = 0;
      let next = 0;
      const res = await autocannon({
        url: `${url}/v1/orders/events`,
        method: "POST",
        connections,
        duration: seconds,
        maxOverallRequests: maxRequests,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        requests: [
          {
            setupRequest: (req: object) => ({ ...req, body: bodies[next++ % bodies.length] }),
            onResponse: (_status: number, body: string) => {
              try {
                const r = JSON.parse(body) as { accepted?: number; failed?: number };
                accepted += r.accepted ?? 0;
                failedEvents += r.failed ?? 0;
              } catch {
                // not JSON: autocannon counts it as an error or non-2xx
              }
            },
          },
        ],
      });
      let onStream = 0;
      for (const shardId of stream.shardIds) onStream += await countShard(emu.kinesis, stream.name, shardId);
      const recorded = onStream - onStreamBefore;
      onStreamBefore = onStream;
      results.push({
        scenario: batch === 1 ? "1 event per request" : `${batch} events per request (JSON array)`,
        connections,
        seconds: res.duration,
        requests: res.requests.total,
        requestsPerSecond: Math.round(res.requests.average),
        eventsPerSecond: Math.round((res.requests.total * batch) / res.duration),
        latencyMs: { p50: res.latency.p50, p99: res.latency.p99, max: res.latency.max },
        non2xx: res.non2xx,
        errors: res.errors + res.timeouts,
        acceptedEvents: accepted,
        failedEvents,
        recordsOnStream: recorded,
        // Requests still in flight when the load generator stops are stored but never counted as
        // accepted, so the stream may hold more; fewer would be a loss.
        inFlightAtStop: Math.max(0, recorded - accepted),
        lost: Math.max(0, accepted - recorded),
      });
    }
  } finally {
    child.kill("SIGTERM");
    await issuer.stop();
    await emu.stop();
  }
  const out = { machine: { ...machine, loadAfter: load() }, shards, results };
  if (values.json) {
    process.stdout.write(JSON.stringify(out) + "\n");
    return 0;
  }
  process.stdout.write(
    `machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average before ${machine.loadBefore}, after ${out.machine.loadAfter}\n` +
      `kinesalite stream with ${shards} shards; ${connections} connections, ${seconds} s or ${maxRequests} requests per scenario\n\n` +
      "| scenario | requests/s | events/s | p50 ms | p99 ms | max ms | non-2xx | accepted | on stream | lost |\n" +
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n" +
      results
        .map((r) => {
          const l = r.latencyMs as { p50: number; p99: number; max: number };
          return `| ${r.scenario} | ${r.requestsPerSecond} | ${r.eventsPerSecond} | ${l.p50} | ${l.p99} | ${l.max} | ${r.non2xx} | ${r.acceptedEvents} | ${r.recordsOnStream} | ${r.lost} |`;
        })
        .join("\n") +
      "\n",
  );
  return 0;
}

if (require.main === module) runCommand(main);
