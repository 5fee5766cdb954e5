import * as fs from "node:fs";
import * as path from "node:path";
import { evaluateProjects, type ProjectPlan } from "../../harness/evaluate";
import { readProject } from "../../harness/projects";
import { resourcesOf } from "../../harness/testing";
import { buildRuntimeBundle, functionArchive, RUNTIME_ARCHIVE_PATH } from "../../runtime/lambda/packaging";
import { deadLetterKey } from "../../runtime/sinks/deadletter";
import { partitionedPrefix, rawPrefixes } from "./pipeline";
import { bindingLimit, shardsFor } from "./sizing";

const FIXTURE = readProject(path.join(__dirname, "..", "..", "harness", "fixtures", "streaming"));
const plans = new Map<string, Promise<ProjectPlan>>();
const planFor = (stack: string, config: Record<string, string> = {}) => {
  const key = `${stack}:${JSON.stringify(config)}`;
  if (!plans.has(key)) {
    plans.set(
      key,
      evaluateProjects({ stack, projects: [FIXTURE], configOverrides: { [FIXTURE.name]: config } }).then(
        (p) => p[0],
      ),
    );
  }
  return plans.get(key)!;
};
const one = (plan: ProjectPlan, type: string, urnPart = "") => {
  const found = resourcesOf(plan, type).filter((r) => r.urn.includes(urnPart));
  expect(found).toHaveLength(1);
  return found[0];
};
type Policy = { Statement: { Sid: string; Action: string[]; Resource: string | string[] }[] };
const policyOf = (plan: ProjectPlan, urnPart: string) =>
  JSON.parse(String(one(plan, "aws:iam/rolePolicy:RolePolicy", urnPart).inputs.policy)) as Policy;

describe("shard sizing", () => {
  it("takes the larger of records/1,000 and bytes/1 MiB per shard, rounded up", () => {
    expect(shardsFor({ recordsPerSecond: 2_500, bytesPerSecond: 1_500_000 })).toBe(3);
    expect(shardsFor({ recordsPerSecond: 100, bytesPerSecond: 5 * 1_048_576 + 1 })).toBe(6);
    expect(shardsFor({ recordsPerSecond: 0, bytesPerSecond: 0 })).toBe(1);
    expect(bindingLimit({ recordsPerSecond: 100, bytesPerSecond: 5_000_000 })).toBe("bytes");
    expect(() => shardsFor({ recordsPerSecond: -1, bytesPerSecond: 0 })).toThrow(/recordsPerSecond = -1/);
  });
});

describe.each(["dev", "prod"])("Pipeline (%s)", (stack) => {
  it("encrypts the stream with the streaming key, sized from declared throughput in prod", async () => {
    const plan = await planFor(stack);
    const streamKey = one(plan, "aws:kms/key:Key", "Key::streaming");
    const s = one(plan, "aws:kinesis/stream:Stream").inputs;
    expect(s.encryptionType).toBe("KMS");
    expect(s.kmsKeyId).toBe(`arn:aws:kms:us-east-1:123456789012:key/${streamKey.id}`);
    expect(s.streamModeDetails).toEqual({ streamMode: stack === "prod" ? "PROVISIONED" : "ON_DEMAND" });
    expect(s.shardCount).toBe(stack === "prod" ? 3 : undefined);
  });

  it("maps the stream to the processor with partial batch responses, bisection, finite retries and an on-failure destination", async () => {
    const plan = await planFor(stack);
    const raw = one(plan, "aws:s3/bucket:Bucket");
    const m = one(plan, "aws:lambda/eventSourceMapping:EventSourceMapping", "processor-source").inputs;
    expect(m.functionResponseTypes).toEqual(["ReportBatchItemFailures"]);
    expect(m.bisectBatchOnFunctionError).toBe(true);
    expect(m.maximumRetryAttempts).toBe(5);
    expect(m.maximumRecordAgeInSeconds).toBe(3600);
    expect(m.startingPosition).toBe("TRIM_HORIZON");
    expect(m.batchSize).toBe(100);
    expect(m.destinationConfig).toEqual({ onFailure: { destinationArn: `arn:aws:s3:::${raw.id}` } });
    const w = one(plan, "aws:lambda/eventSourceMapping:EventSourceMapping", "aggregator-source").inputs;
    expect(w.tumblingWindowInSeconds).toBe(60);
    expect(w.functionResponseTypes).toEqual(["ReportBatchItemFailures"]);
  });

  it("runs the processor with an explicit role, tracing, its own encrypted log group and the sink names", async () => {
    const plan = await planFor(stack);
    const fn = one(plan, "aws:lambda/function:Function", "orders-processor").inputs as Record<string, never>;
    expect(String(fn.role)).toMatch(/^arn:aws:iam::123456789012:role\/orders-processor-role-/);
    expect(fn.tracingConfig).toEqual({ mode: "Active" });
    expect(fn.runtime).toBe("nodejs22.x");
    expect(fn.reservedConcurrentExecutions).toBe(10);
    const logGroup = one(plan, "aws:cloudwatch/logGroup:LogGroup", "orders-processor-logs");
    expect((fn.loggingConfig as { logGroup: string }).logGroup).toBe(logGroup.id);
    expect(logGroup.inputs.kmsKeyId).toMatch(/^arn:aws:kms:/);
    expect(logGroup.inputs.retentionInDays).toBe(14);
    const vars = (fn.environment as { variables: Record<string, string> }).variables;
    expect(vars).toMatchObject({
      DATA_PRODUCT: "orders",
      DEAD_LETTER_PREFIX: "_dead-letters/",
      TABLE_TTL_DAYS: "30",
    });
    expect(vars.TABLE_NAME).toBe(one(plan, "aws:dynamodb/table:Table", "orders-table").id);
    expect(vars.DELIVERY_STREAM_NAME).toBe(
      one(plan, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream").id,
    );
    expect(Boolean(fn.vpcConfig)).toBe(stack === "prod");
  });

  it("uploads the thin closure and the runtime bundle: the package the tests and the benchmark build", async () => {
    const plan = await planFor(stack);
    for (const [urnPart, kind] of [
      ["orders-processor", "streamProcessor"],
      ["orders-aggregator", "windowAggregator"],
    ] as const) {
      const fn = one(plan, "aws:lambda/function:Function", urnPart).inputs as Record<string, never>;
      expect(fn.handler).toBe("__index.handler");
      const code = (fn.code as { assets: Record<string, { text?: string; path?: string }> }).assets;
      // Nothing from node_modules: zod is inside the bundle, the AWS SDK comes with the runtime.
      expect(Object.keys(code).sort()).toEqual([RUNTIME_ARCHIVE_PATH, "__index.js"]);
      const built = await functionArchive(kind);
      expect(code["__index.js"].text).toBe((built["__index.js"] as { text: string }).text);
      expect(code[RUNTIME_ARCHIVE_PATH].path).toBe(RUNTIME_ARCHIVE_PATH);
    }
    // The bundle the evaluation wrote into the project folder is byte for byte the one built here.
    const evaluated = fs.readFileSync(path.join(FIXTURE.dir, RUNTIME_ARCHIVE_PATH));
    expect(evaluated.equals(fs.readFileSync(buildRuntimeBundle().file))).toBe(true);
  });

  it("scopes the processor's role to its stream, table, delivery stream, dead-letter prefix and keys", async () => {
    const plan = await planFor(stack);
    const policy = policyOf(plan, "orders-processor-policy");
    const byId = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
    const streamArn = `arn:aws:kinesis:us-east-1:123456789012:stream/${one(plan, "aws:kinesis/stream:Stream").id}`;
    expect(byId.ReadStream.Resource).toBe(streamArn);
    expect(byId.WriteTable.Resource).toMatch(/:table\/orders-table-/);
    expect(byId.WriteTable.Action).toEqual(["dynamodb:PutItem", "dynamodb:BatchWriteItem"]);
    expect(byId.DeliverToLake.Resource).toMatch(/:deliverystream\/orders-delivery-/);
    expect(byId.WriteDeadLetters.Resource).toMatch(/^arn:aws:s3:::raw-[0-9a-f]+\/_dead-letters\/orders\/\*$/);
    // The role's prefix is exactly where the runtime writes: DEAD_LETTER_PREFIX + product + "/".
    expect(deadLetterKey("_dead-letters/", "orders", "shardId-0", { sequenceNumber: "1" } as never)).toMatch(
      /^_dead-letters\/orders\//,
    );
    expect(byId.DecryptStream.Action).toEqual(["kms:Decrypt"]);
    for (const s of policy.Statement) {
      expect(s.Action.some((a) => a === "*" || a.endsWith(":*"))).toBe(false);
      if (s.Resource === "*") expect(["Traces", "VpcNetworkInterfaces"]).toContain(s.Sid);
    }
    expect(Boolean(byId.VpcNetworkInterfaces)).toBe(stack === "prod");
  });

  it("keeps the serving table encrypted, recoverable, protected and expiring; a global table in prod", async () => {
    const plan = await planFor(stack);
    const table = one(plan, "aws:dynamodb/table:Table", "orders-table");
    const t = table.inputs as Record<string, never>;
    expect(t.hashKey).toBe("orderId");
    expect(t.serverSideEncryption).toEqual({
      enabled: true,
      kmsKeyArn: expect.stringMatching(/^arn:aws:kms:/),
    });
    expect(t.pointInTimeRecovery).toEqual({ enabled: true });
    expect(t.deletionProtectionEnabled).toBe(true);
    expect(table.protect).toBe(true);
    expect(t.ttl).toEqual({ attributeName: "expiresAt", enabled: true });
    expect(t.onDemandThroughput).toEqual({ maxReadRequestUnits: 40_000, maxWriteRequestUnits: 40_000 });
    if (stack === "prod") {
      expect(t.replicas).toEqual([
        {
          regionName: "us-west-2",
          kmsKeyArn: expect.stringMatching(/us-west-2/),
          pointInTimeRecovery: true,
          deletionProtectionEnabled: true,
        },
      ]);
      expect(t.streamEnabled).toBe(true);
    } else {
      expect(t.replicas).toBeUndefined();
    }
  });

  it("delivers to the raw zone partitioned by event time, encrypted, with an error prefix and logging", async () => {
    const plan = await planFor(stack);
    const f = one(plan, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream").inputs as Record<
      string,
      never
    >;
    expect(f.serverSideEncryption).toMatchObject({ enabled: true, keyType: "CUSTOMER_MANAGED_CMK" });
    const s3 = f.extendedS3Configuration as Record<string, never>;
    expect(s3.prefix).toBe(partitionedPrefix("orders"));
    expect(s3.prefix).toBe(
      "orders/year=!{partitionKeyFromQuery:year}/month=!{partitionKeyFromQuery:month}/day=!{partitionKeyFromQuery:day}/hour=!{partitionKeyFromQuery:hour}/",
    );
    expect(String(s3.errorOutputPrefix)).toMatch(
      /^_errors\/firehose\/orders\/!\{firehose:error-output-type\}\//,
    );
    expect(s3.dynamicPartitioningConfiguration).toMatchObject({ enabled: true });
    // The processor packs lines into records: split on newline, partition each, newline after each.
    const processing = s3.processingConfiguration as {
      enabled: boolean;
      processors: { type: string; parameters?: { parameterName: string; parameterValue: string }[] }[];
    };
    expect(processing.enabled).toBe(true);
    expect(processing.processors.map((p) => p.type)).toEqual([
      "RecordDeAggregation",
      "MetadataExtraction",
      "AppendDelimiterToRecord",
    ]);
    expect(processing.processors[0].parameters).toEqual([
      { parameterName: "SubRecordType", parameterValue: "DELIMITED" },
      { parameterName: "Delimiter", parameterValue: Buffer.from("\n").toString("base64") },
    ]);
    expect(s3.kmsKeyArn).toMatch(/^arn:aws:kms:/);
    expect(s3.cloudwatchLoggingOptions).toMatchObject({ enabled: true });
    expect(s3.bufferingSize).toBe(64);
    const firehose = policyOf(plan, "orders-delivery-policy");
    const objects = firehose.Statement.find((s) => s.Sid === "WriteRawObjects")!;
    expect(objects.Resource).toEqual([
      expect.stringMatching(/\/orders\/\*$/),
      expect.stringMatching(/\/_errors\/firehose\/orders\/\*$/),
    ]);
  });

  it("grants producers and readers exactly the stream or table and the streaming key", async () => {
    const plan = await planFor(stack);
    const streamKeyArn = `arn:aws:kms:us-east-1:123456789012:key/${one(plan, "aws:kms/key:Key", "Key::streaming").id}`;
    const write = policyOf(plan, "producer-write").Statement;
    expect(write).toEqual([
      {
        Effect: "Allow",
        Action: ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary"],
        Resource: expect.stringMatching(/:stream\/orders-stream-/),
      },
      { Effect: "Allow", Action: ["kms:GenerateDataKey"], Resource: streamKeyArn },
    ]);
    const read = policyOf(plan, "reader-read").Statement;
    expect(read[0].Resource).toMatch(/:table\/orders-table-/);
    expect(read[0].Action).not.toContain("dynamodb:PutItem");
    expect(read[1]).toEqual({
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey"],
      Resource: streamKeyArn,
    });
  });

  it("alarms on iterator age, errors, throttles, dead letters, delivery freshness and table throttles", async () => {
    const plan = await planFor(stack);
    const alarms = resourcesOf(plan, "aws:cloudwatch/metricAlarm:MetricAlarm").map(
      (a) => `${a.inputs.namespace} ${a.inputs.metricName}`,
    );
    expect(alarms.sort()).toEqual(
      [
        "AWS/DynamoDB ThrottledRequests",
        "AWS/Firehose DeliveryToS3.DataFreshness",
        "AWS/Kinesis GetRecords.IteratorAgeMilliseconds",
        "AWS/Lambda Errors",
        "AWS/Lambda Throttles",
        "DataPlatform/Streaming DeadLettered",
      ].sort(),
    );
    // DynamoDB publishes ThrottledRequests per table *and operation*: without the operation the
    // alarm would watch a metric that never has data.
    const [throttles] = resourcesOf(plan, "aws:cloudwatch/metricAlarm:MetricAlarm").filter(
      (a) => a.inputs.metricName === "ThrottledRequests",
    );
    expect(Object.keys(throttles.inputs.dimensions as object).sort()).toEqual(["Operation", "TableName"]);
  });
});

describe("Pipeline refuses bad arguments with the field, the value and what is allowed", () => {
  it.each([
    [
      { processor: { parallelizationFactor: 4, kplAggregated: true } },
      /processor\.parallelizationFactor = 4 with kplAggregated: must be 1/,
    ],
    [
      { capacity: { mode: "provisioned", recordsPerSecond: 100_000, bytesPerSecond: 0 }, maxShards: 64 },
      /needs 100 shards; maxShards = 64 \(1,000 records\/s and 1 MB\/s per shard\)/,
    ],
    [{ dataProduct: "invoices" }, /dataProduct = "invoices": one of clickstream, orders/],
    [
      { processor: { maxRetries: -1 } },
      /processor\.maxRetries = -1: an integer from 0 to 10000 \(finite retries\)/,
    ],
    [
      { processor: { reservedConcurrency: 1500 } },
      /processor\.reservedConcurrency = 1500: an integer from 1 to 1000/,
    ],
    [
      { table: { billing: "provisioned", readUnits: 5, writeUnits: 5, maxUnits: 50_000 } },
      /table\.maxUnits = 50000: an integer from 1 to 40000/,
    ],
    [{ delivery: { bufferingMb: 16 } }, /delivery\.bufferingMb = 16: an integer from 64 to 128/],
    [{ windowSeconds: 1200 }, /windowSeconds = 1200: an integer from 1 to 900/],
    [
      { processor: { timeoutSeconds: 3 } },
      /processor\.timeoutSeconds = 3: an integer from 4 to 900 \(seconds; must exceed the runtime's 3000 ms safety margin/,
    ],
  ])("%j", async (overrides, message) => {
    await expect(
      planFor("dev", { "streaming-fixture:overrides": JSON.stringify(overrides) }),
    ).rejects.toThrow(message);
  });

  it("keeps raw records, delivery errors and dead letters under separate prefixes", () => {
    const p = rawPrefixes("clickstream");
    expect(p).toEqual({
      records: "clickstream/",
      deliveryErrors: "_errors/firehose/clickstream/",
      deadLetters: "_dead-letters/clickstream/",
    });
  });
});
