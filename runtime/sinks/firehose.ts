import { chunkBySize } from "./chunk";
import { SINK_LIMITS } from "../constants";
import { describe } from "./dynamodb";
import type { FirehosePort } from "./ports";
import { isRetryable, nextDelay, type Budget, type RetryPolicy, type Timing } from "./retry";

export interface DeliveryContext {
  readonly port: FirehosePort;
  readonly deliveryStreamName: string;
  readonly budget: Budget;
  readonly retry: RetryPolicy;
  readonly timing: Timing;
  readonly log: (level: "warn" | "error", message: string, fields: Record<string, unknown>) => void;
}

export interface DeliveryOutcome {
  /** Indexes of lines not accepted by Firehose; the caller reports their source records as failed. */
  readonly failed: ReadonlySet<number>;
  readonly retries: number;
}

/**
 * One lake record (a line of JSON without a newline) and its UTF-8 size. The transform also gives
 * the line's two parts, the record's JSON object (`json`, `jsonBytes` UTF-8 bytes) and the `_meta`
 * member that closes it (`tail`): `line` is `json` without its closing brace, a comma when `json`
 * has members, then `tail`. With them `packLines` encodes the parts where they are, instead of
 * `line`, which V8 would first copy into one flat string (a concatenation) before encoding it.
 */
export interface LakeLine {
  readonly line: string;
  readonly lineBytes: number;
  readonly json?: string;
  readonly jsonBytes?: number;
  readonly tail?: string;
}

/** The separator of lines packed in one Firehose record, and its base64 for the deaggregation processor. */
export const LAKE_LINE_DELIMITER = "\n";
export const LAKE_LINE_DELIMITER_BASE64 = Buffer.from(LAKE_LINE_DELIMITER).toString("base64");

/**
 * Packs lines, in order, into Firehose records: up to 500 lines (the cap of Firehose's multi-record
 * deaggregation) and 1,000 KiB per record, joined by a newline and encoded to UTF-8 once per record.
 * The delivery stream splits them again (`RecordDeAggregation`, delimited by newline) before
 * dynamic partitioning and appends a newline to each (`AppendDelimiterToRecord`), so S3 receives
 * the same NDJSON as with one record per line. Firehose bills ingestion per record rounded up to
 * 5 KB: a 300-byte line alone is billed as 5 KB, packed it costs its size. Lines must already be
 * ≤ 1,000 KiB each. `first[k]` is the index of record k's first line.
 *
 * @example
 * packLines([{ line: '{"a":1}', lineBytes: 7 }, { line: '{"a":2}', lineBytes: 7 }]);
 * // { records: [<Buffer '{"a":1}\n{"a":2}'>], first: [0] }
 */
export function packLines(lines: readonly LakeLine[]): { records: Buffer[]; first: number[] } {
  const records: Buffer[] = [];
  const first: number[] = [];
  let start = 0;
  while (start < lines.length) {
    let bytes = lines[start].lineBytes;
    let end = start + 1;
    while (
      end < lines.length &&
      end - start < SINK_LIMITS.firehoseLinesPerRecord &&
      bytes + 1 + lines[end].lineBytes <= SINK_LIMITS.firehoseMaxRecordBytes
    ) {
      bytes += 1 + lines[end].lineBytes;
      end++;
    }
    // Each line is encoded straight into the record's buffer at its offset: joining the lines into
    // one string first made V8 copy them all into a flat string before encoding it. A line given
    // in parts is encoded part by part (about 40 % cheaper per clickstream line than the line).
    const record = Buffer.allocUnsafe(bytes);
    let at = 0;
    for (let i = start; i < end; i++) {
      if (i > start) record[at++] = NEWLINE;
      const l = lines[i];
      if (l.json !== undefined && l.jsonBytes !== undefined && l.tail !== undefined) {
        // All of `json`; its closing brace is then overwritten by the comma or by the tail. A
        // `jsonBytes` that is not the text's size (a caller's bug) would cut or shift the line:
        // refused, like a wrong `lineBytes`.
        const written = record.write(l.json, at, "utf8");
        if (written !== l.jsonBytes) {
          throw new RangeError(`lake line ${i}: its JSON encodes to ${written} bytes, not ${l.jsonBytes}`);
        }
        at += written - 1;
        if (l.json.length > 2) record[at++] = COMMA;
        at += record.write(l.tail, at, "utf8");
      } else at += record.write(l.line, at, "utf8");
    }
    if (at !== bytes)
      throw new RangeError(`lake lines ${start}..${end - 1} encode to ${at} bytes, not ${bytes}`);
    first.push(start);
    records.push(record);
    start = end;
  }
  return { records, first };
}

const NEWLINE = LAKE_LINE_DELIMITER.charCodeAt(0);
const COMMA = 44;

/** Splits records (in order) into PutRecordBatch calls of at most 500 records and 4 MiB. */
export function chunkRecords(records: readonly Buffer[]): number[][] {
  return chunkBySize(
    records.map((r) => r.length),
    SINK_LIMITS.firehoseBatchRecords,
    SINK_LIMITS.firehoseBatchBytes,
  );
}

/**
 * Sends lines to Firehose in order, packed into records (`packLines`). Entries that come back with
 * an `ErrorCode` (`FailedPutCount > 0`) and retryable errors are retried with jittered backoff
 * while the budget lasts; at the first chunk that cannot be completed the sender stops and returns
 * the lines of that chunk's leftovers and of every later chunk as failed.
 */
export async function deliver(ctx: DeliveryContext, lines: readonly LakeLine[]): Promise<DeliveryOutcome> {
  const { records, first } = packLines(lines);
  const sent = await deliverRecords(ctx, records);
  if (sent.failed.size === 0) return sent;
  const failed = new Set<number>();
  for (const k of sent.failed) {
    const end = k + 1 < first.length ? first[k + 1] : lines.length;
    for (let i = first[k]; i < end; i++) failed.add(i);
  }
  return { failed, retries: sent.retries };
}

/** `deliver` for records as they are (each ≤ 1,000 KiB); failed indexes are records'. */
async function deliverRecords(ctx: DeliveryContext, records: readonly Buffer[]): Promise<DeliveryOutcome> {
  const failed = new Set<number>();
  let retries = 0;
  const chunks = chunkRecords(records);
  for (let c = 0; c < chunks.length; c++) {
    let pending = chunks[c];
    let attempt = 0;
    while (pending.length > 0) {
      if (ctx.budget.remainingMs() <= 0) break;
      try {
        const out = await ctx.port.putRecordBatch(
          {
            DeliveryStreamName: ctx.deliveryStreamName,
            Records: pending.map((i) => ({ Data: records[i] })),
          },
          { abortSignal: ctx.budget.signal },
        );
        if (!out.FailedPutCount) {
          pending = [];
          break;
        }
        const responses = out.RequestResponses ?? [];
        const sent = pending;
        pending = sent.filter((_, j) => responses[j] === undefined || responses[j].ErrorCode !== undefined);
        ctx.log("warn", "Firehose refused records, retrying", {
          failedPutCount: out.FailedPutCount,
          errorCode: responses.find((r) => r.ErrorCode)?.ErrorCode,
        });
      } catch (err) {
        if (!isRetryable(err)) {
          ctx.log("error", "Firehose rejected a batch", { error: describe(err), records: pending.length });
          break;
        }
        ctx.log("warn", "Firehose batch failed, retrying", { error: describe(err), records: pending.length });
      }
      attempt++;
      const delay = nextDelay(attempt, ctx.retry, ctx.budget, ctx.timing);
      if (delay === undefined) break;
      retries++;
      await ctx.timing.sleep(delay);
    }
    if (pending.length > 0) {
      pending.forEach((i) => failed.add(i));
      for (let later = c + 1; later < chunks.length; later++) chunks[later].forEach((i) => failed.add(i));
      break;
    }
  }
  return { failed, retries };
}
