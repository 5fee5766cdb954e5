import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  PutRecordCommand,
  SageMakerFeatureStoreRuntimeClient,
} from "@aws-sdk/client-sagemaker-featurestore-runtime";
import { mockClient } from "aws-sdk-client-mock";
import { readProcessorEnvironment } from "../lambda/env";
import { createKinesisProcessor } from "../processor/processor";
import { defineClickstream } from "../schemas";
import type { DeadLetterDocument } from "../sinks/deadletter";
import { featureStorePort, objectStorePort } from "../sinks/ports";
import { jsonLogger } from "../telemetry/log";
import { clickstreamEvent, eventOf, virtualTime } from "../testing/events";
import { awsError } from "../testing/fakes";
import { buildFeatureSet, clickstreamFeatureSpec, defineClickstreamFeatures, specProblems } from ".";

const GROUP = "clickstream-visitor-dev";
const featureStore = mockClient(SageMakerFeatureStoreRuntimeClient);
const s3 = mockClient(S3Client);

beforeEach(() => {
  featureStore.reset();
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
});

/** A features-only processor (the clickstream feature consumer) over mocked SDK clients. */
function processor(seed = 3) {
  const time = virtualTime(seed);
  const metrics: Record<string, unknown>[] = [];
  const handler = createKinesisProcessor({
    product: defineClickstream() as never,
    features: {
      port: featureStorePort(new SageMakerFeatureStoreRuntimeClient({ region: "us-east-1" })),
      featureGroupName: GROUP,
      featureSet: buildFeatureSet("clickstream"),
      concurrency: 4,
    },
    deadLetter: {
      port: objectStorePort(new S3Client({ region: "us-east-1" })),
      bucket: "raw",
      prefix: "_dead-letters/",
    },
    logger: jsonLogger({ write: () => undefined, now: time.now }),
    writeMetrics: (l) => metrics.push(JSON.parse(l)),
    safetyMarginMs: 1_000,
    timing: time.timing,
    now: time.now,
  });
  return { handler, time, metrics };
}

const putRecords = () => featureStore.commandCalls(PutRecordCommand).map((c) => c.args[0].input);
const deadLetters = () =>
  s3
    .commandCalls(PutObjectCommand)
    .map((c) => JSON.parse(String(c.args[0].input.Body)) as DeadLetterDocument);
const valueOf = (record: { FeatureName?: string; ValueAsString?: string }[] | undefined, name: string) =>
  record?.find((f) => f.FeatureName === name)?.ValueAsString;

describe("clickstream feature set", () => {
  it("declares a spec Feature Store accepts: identifier, event time and an Integral label among the features", () => {
    expect(specProblems(clickstreamFeatureSpec())).toEqual([]);
  });

  it("names what is wrong with a spec", () => {
    const spec = clickstreamFeatureSpec();
    const bad = {
      ...spec,
      recordIdentifier: "nobody",
      label: "page",
      features: [...spec.features, { name: "page", type: "String" as const, description: "twice" }],
    };
    expect(specProblems(bad)).toEqual([
      'feature "page" is declared twice',
      'recordIdentifier "nobody" is not a feature',
      'label "page": an Integral 0/1 feature',
    ]);
  });

  it("writes one value per declared feature, the event time in UTC, anonymous visitors by session", () => {
    const set = defineClickstreamFeatures();
    const record = set.toRecord(
      clickstreamEvent(5, {
        userId: undefined,
        eventType: "purchase",
        page: "/products/42",
        occurredAt: "2026-11-27T15:30:00+02:00",
      }),
    )!;
    expect(record.map((f) => f.FeatureName)).toEqual(set.spec.features.map((f) => f.name));
    expect(valueOf(record, "visitor_id")).toBe("session:sess-00000000");
    expect(valueOf(record, "event_time")).toBe("2026-11-27T13:30:00.000Z");
    expect(valueOf(record, "hour_of_day")).toBe("13");
    expect(valueOf(record, "is_purchase")).toBe("1");
    expect(valueOf(record, "is_authenticated")).toBe("0");
    expect(valueOf(record, "path_depth")).toBe("2");
  });
});

describe("feature ingestion (PutRecord through the stream processor)", () => {
  it("puts one record per valid event into the feature group and dead-letters poison", async () => {
    featureStore.on(PutRecordCommand).resolves({});
    const { handler, time, metrics } = processor();
    const payloads: (object | string)[] = Array.from({ length: 20 }, (_, i) => clickstreamEvent(i));
    payloads[7] = "{not json";
    const res = await handler(eventOf(payloads), time.context(60_000));

    expect(res.batchItemFailures).toEqual([]);
    const puts = putRecords();
    expect(puts).toHaveLength(19);
    expect(new Set(puts.map((p) => p.FeatureGroupName))).toEqual(new Set([GROUP]));
    expect(puts.map((p) => valueOf(p.Record, "visitor_id")).sort()).toEqual(
      payloads
        .filter((p) => typeof p !== "string")
        .map((p) => (p as { userId: string }).userId)
        .sort(),
    );
    expect(deadLetters().map((d) => d.reason)).toEqual(["not-json"]);
    const emitted = (
      metrics[0]._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }
    ).CloudWatchMetrics[0].Metrics.map((m) => m.Name);
    expect(emitted).toContain("FeatureRecords");
    expect(metrics[0].FeatureRecords).toBe(19);
  });

  it("drops nothing when Feature Store throttles: retries within the invocation", async () => {
    let calls = 0;
    featureStore.on(PutRecordCommand).callsFake(() => {
      calls++;
      if (calls % 3 === 0) throw awsError("ThrottlingException", 400);
      return {};
    });
    const { handler, time, metrics } = processor();
    const res = await handler(
      eventOf(Array.from({ length: 30 }, (_, i) => clickstreamEvent(i))),
      time.context(60_000),
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(metrics[0].FeatureRecords).toBe(30);
    expect(metrics[0].Retried).toBeGreaterThan(0);
    expect(deadLetters()).toEqual([]);
  });

  it("dead-letters a record Feature Store refuses as invalid and completes the batch", async () => {
    featureStore
      .on(PutRecordCommand)
      .callsFake((input: { Record: { FeatureName: string; ValueAsString: string }[] }) => {
        if (valueOf(input.Record, "visitor_id") === "user-4") throw awsError("ValidationError", 400);
        return {};
      });
    const { handler, time } = processor();
    const event = eventOf(Array.from({ length: 10 }, (_, i) => clickstreamEvent(i)));
    const res = await handler(event, time.context(60_000));
    expect(res.batchItemFailures).toEqual([]);
    const dl = deadLetters();
    expect(dl).toHaveLength(1);
    expect(dl[0].reason).toBe("rejected-by-sink");
    expect(dl[0].detail).toMatch(/Feature Store/);
    expect(dl[0].sequenceNumber).toBe(event.Records[4].kinesis.sequenceNumber);
  });

  it("reports the first unstored record for redelivery when throttling outlasts the invocation, and never dead-letters it", async () => {
    featureStore
      .on(PutRecordCommand)
      .callsFake((input: { Record: { FeatureName: string; ValueAsString: string }[] }) => {
        if (["user-6", "user-8"].includes(valueOf(input.Record, "visitor_id")!))
          throw awsError("ThrottlingException", 400);
        return {};
      });
    const { handler, time } = processor();
    const event = eventOf(Array.from({ length: 10 }, (_, i) => clickstreamEvent(i)));
    const res = await handler(event, time.context(8_000));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: event.Records[6].kinesis.sequenceNumber }]);
    expect(deadLetters()).toEqual([]);
  });

  it("does not dead-letter on an access error (a wrong role is fixed and the records redelivered)", async () => {
    featureStore.on(PutRecordCommand).rejects(awsError("AccessDeniedException", 403));
    const { handler, time } = processor();
    const event = eventOf(Array.from({ length: 5 }, (_, i) => clickstreamEvent(i)));
    const res = await handler(event, time.context(60_000));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0].kinesis.sequenceNumber }]);
    expect(deadLetters()).toEqual([]);
  });

  it("configures a features-only processor from FEATURE_GROUP_NAME, and refuses an environment with no sink", () => {
    const cfg = readProcessorEnvironment({
      DATA_PRODUCT: "clickstream",
      FEATURE_GROUP_NAME: GROUP,
      DEAD_LETTER_BUCKET: "raw",
    });
    expect(cfg.featureGroupName).toBe(GROUP);
    expect(cfg.featureConcurrency).toBe(16);
    expect(() =>
      readProcessorEnvironment({ DATA_PRODUCT: "clickstream", DEAD_LETTER_BUCKET: "raw" }),
    ).toThrow(/TABLE_NAME, DELIVERY_STREAM_NAME and FEATURE_GROUP_NAME/);
  });
});
