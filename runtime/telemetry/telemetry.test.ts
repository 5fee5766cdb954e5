import * as dgram from "node:dgram";
import type { AddressInfo } from "node:net";
import { createTable, startEmulators, type Emulators } from "../testing/emulators";
import { clickstreamEvent, eventOf } from "../testing/events";
import { startFirehoseServer } from "../testing/firehose-server";

/*
 * Telemetry of the stream processor as its factory wires it (`streamProcessorFactory`, what the
 * Lambda runs): Powertools Logger lines, one Powertools EMF line per batch with the dimension sets
 * the alarms read, and X-Ray subsegments per SDK call from the Powertools Tracer, received the way
 * the X-Ray daemon receives them (UDP) while the function runs in a Lambda-like environment.
 */

const BUCKET = "dead-letters";
const TABLE = "clicks-telemetry";
let emu: Emulators;
let firehose: Awaited<ReturnType<typeof startFirehoseServer>>;
let daemon: dgram.Socket;
const segments: Record<string, unknown>[] = [];
const saved = { ...process.env };

beforeAll(async () => {
  [emu, firehose] = await Promise.all([startEmulators({ buckets: [BUCKET] }), startFirehoseServer()]);
  await createTable(emu.dynamodb, TABLE, { hashKey: "pk", rangeKey: "sk" });
  daemon = dgram.createSocket("udp4");
  daemon.on("message", (msg) => {
    // `{"format":"json","version":1}\n<segment document>`
    const [, doc] = msg.toString("utf8").split("\n");
    if (doc) segments.push(JSON.parse(doc) as Record<string, unknown>);
  });
  await new Promise<void>((resolve) => daemon.bind(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  process.env = saved;
  daemon?.close();
  await Promise.all([emu?.stop(), firehose?.stop()]);
});

it("logs through Powertools, emits one EMF line per batch with the alarm dimensions, and traces every SDK call", async () => {
  const daemonAddress = `127.0.0.1:${(daemon.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    // The function's configuration, as the Pipeline sets it.
    DATA_PRODUCT: "clickstream",
    TABLE_NAME: TABLE,
    DELIVERY_STREAM_NAME: "clicks-lake",
    DEAD_LETTER_BUCKET: BUCKET,
    DEAD_LETTER_PREFIX: "telemetry/",
    S3_FORCE_PATH_STYLE: "true",
    AWS_ENDPOINT_URL_DYNAMODB: emu.endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: emu.endpoints.s3,
    AWS_ENDPOINT_URL_FIREHOSE: firehose.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    // What Lambda sets for a function with active tracing.
    AWS_LAMBDA_FUNCTION_NAME: "clicks-processor",
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    LAMBDA_TASK_ROOT: "/var/task",
    _X_AMZN_TRACE_ID: "Root=1-6751a2b3-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1",
    AWS_XRAY_DAEMON_ADDRESS: daemonAddress,
    AWS_XRAY_CONTEXT_MISSING: "IGNORE_ERROR",
  });
  const written: string[] = [];
  const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  let result: unknown;
  try {
    // Loaded after the environment is set, as in a Lambda container (X-Ray reads it at load time).
    let factory: typeof import("../lambda/factories").streamProcessorFactory = () => {
      throw new Error("not loaded");
    };
    jest.isolateModules(() => {
      factory = (require("../lambda/factories") as typeof import("../lambda/factories"))
        .streamProcessorFactory;
    });
    const handler = factory();
    result = await handler(eventOf([clickstreamEvent(1), "not json", clickstreamEvent(2)]), {
      getRemainingTimeInMillis: () => 60_000,
      awsRequestId: "req-telemetry",
      functionName: "clicks-processor",
      functionVersion: "$LATEST",
      invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:clicks-processor",
      memoryLimitInMB: "512",
    } as never);
  } finally {
    write.mockRestore();
  }
  expect(result).toEqual({ batchItemFailures: [] });

  const lines = written
    .join("")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const summary = lines.find((l) => l.message === "batch processed");
  expect(summary).toMatchObject({
    level: "INFO",
    service: "clicks-processor",
    dataProduct: "clickstream",
    function_request_id: "req-telemetry",
    records: 3,
    poison: 1,
  });
  const emf = lines.filter((l) => "_aws" in l);
  expect(emf).toHaveLength(1);
  expect(emf[0]).toMatchObject({
    _aws: {
      CloudWatchMetrics: [
        {
          Namespace: "DataPlatform/Streaming",
          Dimensions: [["DataProduct"], ["DataProduct", "FunctionName"]],
        },
      ],
    },
    DataProduct: "clickstream",
    FunctionName: "clicks-processor",
    Records: 3,
    Stored: 2,
    Delivered: 2,
    DeadLettered: 1,
  });
  expect(emf[0]).not.toHaveProperty("service");

  // X-Ray: one subsegment per SDK call, sent to the daemon when it closes.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const names = segments.map((s) => [s.name, (s.aws as { operation?: string } | undefined)?.operation]);
  expect(names).toEqual(
    expect.arrayContaining([
      ["DynamoDB", "BatchWriteItem"],
      ["Firehose", "PutRecordBatch"],
      ["S3", "PutObject"],
    ]),
  );
  expect(segments.every((s) => s.trace_id === "1-6751a2b3-0123456789abcdef01234567")).toBe(true);
});
