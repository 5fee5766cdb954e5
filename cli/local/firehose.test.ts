import { FirehoseClient, PutRecordBatchCommand, PutRecordCommand } from "@aws-sdk/client-firehose";
import { gunzipSync } from "node:zlib";
import { FIREHOSE_PARTITION_QUERY } from "../../runtime/processor/transform";
import { LAKE_LINE_DELIMITER_BASE64, packLines } from "../../runtime/sinks/firehose";
import {
  compilePartitionQuery,
  DeliveryStreams,
  renderPrefix,
  startFirehoseServer,
  UnsupportedQueryError,
} from "./firehose";
import type { DeliverySpec } from "./model";

const spec: DeliverySpec = {
  project: "shop",
  urn: "urn:pulumi:local::shop::aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream::orders-delivery",
  name: "orders-delivery-1234567",
  bucket: "raw-1234567",
  prefix:
    "orders/year=!{partitionKeyFromQuery:year}/month=!{partitionKeyFromQuery:month}/day=!{partitionKeyFromQuery:day}/hour=!{partitionKeyFromQuery:hour}/",
  errorOutputPrefix:
    "_errors/firehose/orders/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/",
  bufferingSeconds: 60,
  bufferingMb: 64,
  compression: "GZIP",
  partitionQuery: FIREHOSE_PARTITION_QUERY,
};

function memorySink() {
  const objects = new Map<string, Buffer>();
  return {
    objects,
    put: async (bucket: string, key: string, body: Buffer) => void objects.set(`${bucket}/${key}`, body),
  };
}

const line = (hour: string, i: number) =>
  Buffer.from(
    JSON.stringify({
      orderId: `o-${i}`,
      _meta: { partition: { year: "2026", month: "11", day: "27", hour } },
    }) + "\n",
  );

describe("local Firehose emulation", () => {
  it("evaluates the runtime's partition query and rejects other JQ with a clear error", () => {
    const q = compilePartitionQuery(FIREHOSE_PARTITION_QUERY);
    expect(q({ _meta: { partition: { year: "2026", month: "01", day: "02", hour: "03" } } })).toEqual({
      keys: { year: "2026", month: "01", day: "02", hour: "03" },
    });
    expect(q({ _meta: {} })).toEqual({ error: expect.stringContaining('"year"') });
    expect(compilePartitionQuery('{k: .a."b-c"}')({ a: { "b-c": 5 } })).toEqual({ keys: { k: "5" } });
    expect(() => compilePartitionQuery("{year: ._meta.partition.year | tostring}")).toThrow(
      UnsupportedQueryError,
    );
    expect(() => compilePartitionQuery(".year")).toThrow(/not an object/);
  });

  it("renders timestamps and error output types in prefixes", () => {
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(
      renderPrefix("e/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/", {
        at,
        errorOutputType: "x",
      }),
    ).toBe("e/x/2026/01/02/03/");
    expect(() => renderPrefix("!{timestamp:EEE}", { at })).toThrow(/not supported/);
  });

  it("takes PutRecordBatch from the real SDK client and writes GZIP objects per partition, errors under errorOutputPrefix", async () => {
    // Arrange
    const sink = memorySink();
    const streams = new DeliveryStreams([spec], sink);
    const server = await startFirehoseServer(streams);
    const client = new FirehoseClient({
      region: "us-east-1",
      endpoint: server.endpoint,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    try {
      // Act
      const out = await client.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: spec.name,
          Records: [line("14", 1), line("15", 2), line("14", 3), Buffer.from("not json\n")].map((Data) => ({
            Data,
          })),
        }),
      );
      await client.send(
        new PutRecordCommand({ DeliveryStreamName: spec.name, Record: { Data: line("15", 4) } }),
      );
      const missing = client.send(
        new PutRecordBatchCommand({ DeliveryStreamName: "nope", Records: [{ Data: line("1", 1) }] }),
      );
      await expect(missing).rejects.toMatchObject({ name: "ResourceNotFoundException" });
      expect(streams.buffered()).toBe(5); // nothing written before the buffer interval or size
      await streams.flush();

      // Assert
      expect(out.FailedPutCount).toBe(0);
      expect(out.RequestResponses).toHaveLength(4);
      const keys = [...sink.objects.keys()].sort();
      expect(keys).toHaveLength(3);
      const h14 = keys.find((k) => k.includes("/hour=14/"))!;
      expect(h14).toMatch(
        /^raw-1234567\/orders\/year=2026\/month=11\/day=27\/hour=14\/orders-delivery-1234567-1-.*\.gz$/,
      );
      expect(
        gunzipSync(sink.objects.get(h14)!)
          .toString()
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l).orderId),
      ).toEqual(["o-1", "o-3"]);
      const err = keys.find((k) => k.includes("_errors/"))!;
      expect(err).toMatch(
        /^raw-1234567\/_errors\/firehose\/orders\/partitioning-failed\/year=\d{4}\/month=\d{2}\//,
      );
      const doc = JSON.parse(gunzipSync(sink.objects.get(err)!).toString());
      expect(doc.errorCode).toBe("DynamicPartitioning.MetadataExtractionFailed");
      expect(Buffer.from(doc.rawData, "base64").toString()).toBe("not json\n");
      expect(streams.stats()[0]).toMatchObject({ received: 5, delivered: 4, failed: 1, buffered: 0 });
    } finally {
      client.destroy();
      await server.close();
    }
  });

  it("splits packed records on their delimiter, partitions each line and ends it with a newline", async () => {
    // The delivery streams the platform deploys: RecordDeAggregation (DELIMITED, "\n"),
    // MetadataExtraction, AppendDelimiterToRecord; the processor packs lines with packLines.
    const sink = memorySink();
    const packedSpec: DeliverySpec = {
      ...spec,
      deaggregation: { subRecordType: "DELIMITED", delimiterBase64: LAKE_LINE_DELIMITER_BASE64 },
      appendDelimiter: true,
    };
    const streams = new DeliveryStreams([packedSpec], sink);
    const text = (hour: string, i: number) => line(hour, i).toString().trimEnd();
    const { records } = packLines(
      [text("14", 1), text("15", 2), text("14", 3)].map((l) => ({
        line: l,
        lineBytes: Buffer.byteLength(l),
      })),
    );
    expect(records).toHaveLength(1);
    const tooMany = Buffer.from(Array.from({ length: 501 }, (_, i) => text("16", i)).join("\n"));
    streams.accept(spec.name, [...records, tooMany]);
    await streams.flush();

    const objects = [...sink.objects.entries()];
    const body = (hour: string) =>
      gunzipSync(objects.find(([k]) => k.includes(`/hour=${hour}/`))![1]).toString();
    expect(body("14")).toBe(`${text("14", 1)}\n${text("14", 3)}\n`);
    expect(body("15")).toBe(`${text("15", 2)}\n`);
    const [, error] = objects.find(([k]) => k.includes("_errors/"))!;
    const doc = JSON.parse(gunzipSync(error).toString());
    expect(doc.errorCode).toBe("RecordDeAggregation.TooManySubRecords");
    expect(Buffer.from(doc.rawData, "base64")).toEqual(tooMany);
    expect(streams.stats()[0]).toMatchObject({ received: 2, delivered: 3, failed: 1 });
    expect(
      () => new DeliveryStreams([{ ...spec, deaggregation: { subRecordType: "JSON" } }], memorySink()),
    ).toThrow(/RecordDeAggregation of type JSON is not emulated locally/);
  });

  it("flushes a buffer once its buffering interval has elapsed, not before", async () => {
    let now = 1_000_000;
    const sink = memorySink();
    const streams = new DeliveryStreams([{ ...spec, bufferingSeconds: 5 }], sink, () => now);
    streams.accept(spec.name, [line("14", 1)]);
    now += 4_999;
    streams.tick();
    expect(sink.objects.size).toBe(0);
    now += 1;
    streams.tick();
    await streams.settled();
    expect(sink.objects.size).toBe(1);
  });
});
