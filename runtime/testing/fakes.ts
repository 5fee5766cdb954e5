import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { PutRecordBatchCommandInput } from "@aws-sdk/client-firehose";
import type { DynamoDbPort, FirehosePort, ObjectStorePort } from "../sinks/ports";

/** An AWS-style error with a name (what the SDK throws). */
export function awsError(name: string, status = 400): Error & { $metadata: { httpStatusCode: number } } {
  const err = new Error(`${name} (injected)`) as Error & { $metadata: { httpStatusCode: number } };
  err.name = name;
  err.$metadata = { httpStatusCode: status };
  return err;
}

/**
 * Firehose has no emulator: this fake accepts PutRecordBatch, keeps every accepted record, and
 * lets a test refuse single entries (`FailedPutCount`) or fail whole calls. Like the platform's
 * delivery streams, it splits each record into its newline-delimited lines (`RecordDeAggregation`)
 * and ends each line with a newline (`AppendDelimiterToRecord`).
 */
export class FakeFirehose implements FirehosePort {
  /** Accepted records, as text, in acceptance order. */
  readonly records: string[] = [];
  /** Lines of the accepted records as they reach S3 (each ends with a newline), in order. */
  readonly delivered: string[] = [];
  readonly calls: { records: number; bytes: number }[] = [];
  constructor(
    private readonly faults: {
      /** Throw this error for the whole call (e.g. throttling). */
      callError?: (call: number) => Error | undefined;
      /** Refuse one entry with this error code. */
      entryError?: (call: number, index: number, data: string) => string | undefined;
      /** Called before each call (e.g. to advance a virtual clock). */
      onCall?: () => void;
    } = {},
  ) {}

  async putRecordBatch(input: PutRecordBatchCommandInput) {
    const call = this.calls.length;
    const records = input.Records ?? [];
    this.calls.push({
      records: records.length,
      bytes: records.reduce((n, r) => n + (r.Data?.length ?? 0), 0),
    });
    this.faults.onCall?.();
    const err = this.faults.callError?.(call);
    if (err) throw err;
    let failed = 0;
    const responses = records.map((r, i) => {
      const data = Buffer.from(r.Data!).toString("utf8");
      const code = this.faults.entryError?.(call, i, data);
      if (code) {
        failed++;
        return { ErrorCode: code, ErrorMessage: "injected" };
      }
      this.records.push(data);
      for (const line of data.split("\n")) this.delivered.push(`${line}\n`);
      return { RecordId: `rec-${call}-${i}` };
    });
    return { FailedPutCount: failed, Encrypted: false, RequestResponses: responses };
  }
}

/**
 * Wraps a real (emulator-backed) DynamoDB port and injects faults: throttled calls and
 * `UnprocessedItems` (items left out of a BatchWriteItem, which then are not written).
 */
export function faultyDynamoDb(
  real: DynamoDbPort,
  faults: {
    callError?: (call: number, op: "batchWriteItem" | "putItem") => Error | undefined;
    /** Leave this put request unprocessed (not written). */
    unprocessed?: (call: number, index: number, item: Record<string, AttributeValue>) => boolean;
    /** Called when a call completes (e.g. to advance a virtual clock as a slow call would). */
    afterCall?: () => void;
  },
): DynamoDbPort & { calls: number } {
  const port = {
    calls: 0,
    async batchWriteItem(input: Parameters<DynamoDbPort["batchWriteItem"]>[0]) {
      const call = port.calls++;
      const err = faults.callError?.(call, "batchWriteItem");
      if (err) throw err;
      const [table, requests] = Object.entries(input.RequestItems ?? {})[0];
      const skip = requests.map((r, i) => faults.unprocessed?.(call, i, r.PutRequest?.Item ?? {}) ?? false);
      const keep = requests.filter((_, i) => !skip[i]);
      const left = requests.filter((_, i) => skip[i]);
      const out = keep.length > 0 ? await real.batchWriteItem({ RequestItems: { [table]: keep } }) : {};
      const realLeft = out.UnprocessedItems?.[table] ?? [];
      const all = [...left, ...realLeft];
      faults.afterCall?.();
      return all.length > 0 ? { UnprocessedItems: { [table]: all } } : { UnprocessedItems: {} };
    },
    async putItem(input: Parameters<DynamoDbPort["putItem"]>[0]) {
      const call = port.calls++;
      const err = faults.callError?.(call, "putItem");
      if (err) throw err;
      try {
        return await real.putItem(input);
      } finally {
        faults.afterCall?.();
      }
    },
  };
  return port;
}

/** Wraps a real S3 port and fails chosen PutObject calls. */
export function faultyObjectStore(
  real: ObjectStorePort,
  fail: (call: number, key: string) => Error | undefined,
): ObjectStorePort & { calls: number } {
  const port = {
    calls: 0,
    async putObject(input: Parameters<ObjectStorePort["putObject"]>[0]) {
      const call = port.calls++;
      const err = fail(call, input.Key ?? "");
      if (err) throw err;
      return real.putObject(input);
    },
  };
  return port;
}
