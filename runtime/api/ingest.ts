import type { DataProduct } from "../schemas/types";
import { API_DEFAULTS } from "./config";
import { parseJsonText, stripBom } from "./json";
import { putAll, type KinesisPort, type OutgoingRecord, type PutStats } from "./putRecords";

/** Per-event answer of an ingestion request, in request order. */
export type EventResult =
  | {
      readonly index: number;
      readonly status: "accepted";
      readonly id: string;
      readonly sequenceNumber: string;
    }
  | { readonly index: number; readonly status: "rejected"; readonly error: string }
  | { readonly index: number; readonly status: "failed"; readonly error: string };

export interface IngestSummary {
  readonly accepted: number;
  readonly rejected: number;
  readonly failed: number;
}

/**
 * One event as it arrived: its parsed JSON, or the reason it could not be parsed (an NDJSON line
 * that is not JSON).
 */
export type IncomingEvent = { readonly value: unknown } | { readonly malformed: string };

/** The HTTP status of an ingestion answer: 200 all accepted, 207 mixed, 422 none valid, 503 storage gave up. */
export function ingestStatus(s: IngestSummary): number {
  if (s.failed > 0) return 503;
  if (s.accepted === 0 && s.rejected > 0) return 422;
  if (s.rejected > 0) return 207;
  return 200;
}

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 10)
    .map((i) => `${i.path.length ? i.path.map(String).join(".") : "(event)"}: ${i.message}`)
    .join("; ");
}

/**
 * Splits an NDJSON body into events; blank lines are skipped, a line that cannot be taken (not
 * JSON, or a `__proto__` key) becomes a malformed event (rejected on its own, the others still
 * count). Each line is parsed like a JSON body (`parseJsonText`): a leading byte order mark is
 * ignored the same way.
 */
export function parseNdjson(body: string): IncomingEvent[] {
  const out: IncomingEvent[] = [];
  const lines = stripBom(body).split(/\r?\n/);
  lines.forEach((line, n) => {
    if (line.trim() === "") return;
    try {
      out.push({ value: parseJsonText(line) });
    } catch (err) {
      out.push({ malformed: `line ${n + 1}: ${(err as Error).message}` });
    }
  });
  return out;
}

/**
 * Validates events with the data product's schema and writes the valid ones to the domain's
 * stream. The partition key is the serving table's hash key, so one entity's events stay in order
 * on one shard. The record is the event as sent (the stream processor validates it again).
 *
 * @example
 * const { results, summary } = await ingestEvents(events, { product: defineOrders(), streamName: "orders",
 *   kinesis: kinesisPort(client), deadline: Date.now() + 10_000 });
 */
export async function ingestEvents(
  events: readonly IncomingEvent[],
  ctx: {
    product: DataProduct<unknown>;
    streamName: string;
    kinesis: KinesisPort;
    deadline: number;
    putOptions?: Omit<Parameters<typeof putAll>[3], "deadline">;
  },
): Promise<{ results: EventResult[]; summary: IngestSummary; stats: PutStats }> {
  const results = new Array<EventResult>(events.length);
  const records: OutgoingRecord[] = [];
  const positions: { index: number; id: string }[] = [];
  const { product } = ctx;
  events.forEach((event, index) => {
    if ("malformed" in event) {
      results[index] = { index, status: "rejected", error: event.malformed };
      return;
    }
    const parsed = product.schema.safeParse(event.value);
    if (!parsed.success) {
      results[index] = { index, status: "rejected", error: describeIssues(parsed.error.issues) };
      return;
    }
    const data = Buffer.from(JSON.stringify(event.value));
    const partitionKey = String(product.toItem(parsed.data)[product.tableKey.hashKey]).slice(0, 256);
    if (data.length + Buffer.byteLength(partitionKey) > API_DEFAULTS.maxRecordBytes) {
      results[index] = {
        index,
        status: "rejected",
        error: "event larger than the 1 MiB Kinesis record limit",
      };
      return;
    }
    records.push({ data, partitionKey });
    positions.push({ index, id: product.idempotencyKey(parsed.data) });
  });
  const { outcomes, stats } = records.length
    ? await putAll(ctx.kinesis, ctx.streamName, records, { deadline: ctx.deadline, ...ctx.putOptions })
    : { outcomes: [], stats: { calls: 0, retriedRecords: 0 } };
  outcomes.forEach((o, j) => {
    const { index, id } = positions[j];
    results[index] = o.ok
      ? { index, status: "accepted", id, sequenceNumber: o.sequenceNumber }
      : { index, status: "failed", error: `not stored, retry the event: ${o.errorCode}: ${o.errorMessage}` };
  });
  const summary = { accepted: 0, rejected: 0, failed: 0 };
  for (const r of results) summary[r.status]++;
  return { results, summary, stats };
}
