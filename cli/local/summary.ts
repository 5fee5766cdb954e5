import { type AttributeValue, ScanCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { isDeepStrictEqual } from "node:util";
import { gunzipSync } from "node:zlib";
import { buildDataProduct } from "../../runtime/schemas";
import { VERSION_ATTRIBUTE } from "../../runtime/sinks/dynamodb";
import { unmarshallItem } from "../../runtime/sinks/marshall";
import { TTL_ATTRIBUTE, eventVersion } from "../../runtime/processor/transform";
import type { Clients } from "./apply";
import { failurePrefix } from "./mappings";
import type { ProductSpec } from "./model";
import type { RefusedRecord, SentRecord } from "./produce";

/*
 * What happened to every ingested record, read back from the emulators (never from the
 * processor's own counters): the serving table, the lake objects, the dead-letter objects and the
 * event source's on-failure objects.
 *
 *   lost = ingested − |stored ∪ dead-lettered ∪ discarded to the on-failure destination|
 *
 * A record is "stored" when the serving table holds its effect: immutable products an item with
 * its sequence number; latest-state products the item of its key at the record's version or a
 * newer one (a later event for the same key supersedes it).
 *
 * Content is checked too: a record is "altered" when the table holds it (at its own version) or
 * the lake holds its line, but the content differs from the bytes that were sent — the item is not
 * the product's `toItem` of the sent JSON, the lake line (without `_meta`) is not the sent JSON, or
 * the bytes were not valid UTF-8 and so cannot have been kept as sent. An altered record is neither
 * stored nor lost; any altered record fails the run.
 */

export interface ProductSummary {
  readonly domain: string;
  readonly product: string;
  readonly ingested: number;
  readonly refused: { line: number; reason: string }[];
  readonly stored: number;
  readonly tableItems: number;
  readonly deliveredToLake: number;
  readonly lakeObjects: string[];
  readonly deadLettered: number;
  readonly deadLetterReasons: Record<string, number>;
  readonly deadLetterLines: { line: number; reason: string; detail: string }[];
  readonly discarded: number;
  readonly lost: number;
  readonly lostLines: number[];
  readonly altered: number;
  readonly alteredLines: { line: number; where: "table" | "lake"; detail: string }[];
  readonly windows: { windows: number; records: number; top: { key: string; count: number; sum: number }[] };
  readonly seconds: number;
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const res = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of res.Contents ?? []) keys.push(o.Key!);
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

async function getObject(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const o = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await o.Body!.transformToByteArray());
}

async function scan(clients: Clients, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const res = await clients.dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const i of res.Items ?? []) items.push(unmarshallItem(i));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The sent bytes as JSON, decoded strictly: undefined when not UTF-8 or not JSON. */
function sentJson(data: Buffer): { ok: true; value: unknown } | { ok: false; why: string } {
  let text: string;
  try {
    text = strictUtf8.decode(data);
  } catch {
    return { ok: false, why: "the sent bytes are not valid UTF-8" };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, why: "the sent bytes are not JSON" };
  }
}

/** The first attribute of `expected` that `actual` does not hold with the same value. */
function firstDifference(
  actual: Record<string, unknown>,
  expected: Record<string, unknown>,
): string | undefined {
  for (const [k, v] of Object.entries(expected))
    if (!isDeepStrictEqual(actual[k], v))
      return `${k}: ${JSON.stringify(actual[k])?.slice(0, 60)} instead of ${JSON.stringify(v)?.slice(0, 60)}`;
  for (const k of Object.keys(actual)) if (!(k in expected)) return `${k}: present but not in what was sent`;
  return undefined;
}

/** The static part of a Firehose prefix (up to its first expression). */
function staticPrefix(prefix: string): string {
  const i = prefix.indexOf("!{");
  return i < 0 ? prefix : prefix.slice(0, i);
}

export async function summarize(
  clients: Clients,
  spec: ProductSpec,
  sent: readonly SentRecord[],
  refused: readonly RefusedRecord[],
  seconds: number,
): Promise<ProductSummary> {
  const product = buildDataProduct(spec.product);
  const bySeq = new Map(sent.map((r) => [r.sequenceNumber, r]));

  // Dead letters: one object per poison record, key ends in <sequence number>[-<sub>].json.
  const dead = new Map<string, { reason: string; detail: string }>();
  if (spec.deadLetterBucket) {
    // The runtime writes <prefix><product>/<shard>/...; products may share a bucket and prefix, and
    // sequence numbers of different streams can be equal, so read only this product's letters.
    const prefix = `${spec.deadLetterPrefix}${spec.product}/`;
    for (const key of await listKeys(clients.s3, spec.deadLetterBucket, prefix)) {
      const doc = JSON.parse((await getObject(clients.s3, spec.deadLetterBucket, key)).toString()) as {
        dataProduct: string;
        sequenceNumber: string;
        reason: string;
        detail: string;
      };
      if (doc.dataProduct === spec.product && bySeq.has(doc.sequenceNumber))
        dead.set(doc.sequenceNumber, { reason: doc.reason, detail: doc.detail });
    }
  }

  // Records the event source discarded to its on-failure destination (S3: the records are kept).
  const discarded = new Set<string>();
  const m = spec.processorMapping;
  if (m.onFailureArn?.startsWith("arn:aws:s3:::")) {
    const bucket = m.onFailureArn.slice("arn:aws:s3:::".length);
    for (const key of await listKeys(clients.s3, bucket, failurePrefix(m))) {
      const doc = JSON.parse((await getObject(clients.s3, bucket, key)).toString()) as { payload: string };
      const event = JSON.parse(doc.payload) as { Records: { kinesis: { sequenceNumber: string } }[] };
      for (const r of event.Records)
        if (bySeq.has(r.kinesis.sequenceNumber)) discarded.add(r.kinesis.sequenceNumber);
    }
  }

  // Records whose stored or delivered content is not what was sent.
  const altered = new Map<string, { where: "table" | "lake"; detail: string }>();

  // The serving table.
  const stored = new Set<string>();
  let tableItems = 0;
  if (spec.table) {
    const items = await scan(clients, spec.table);
    tableItems = items.length;
    const key = product.tableKey;
    const keyOf = (o: Record<string, unknown>) =>
      `${String(o[key.hashKey])}\u0000${key.rangeKey ? String(o[key.rangeKey]) : ""}`;
    const byKey = new Map(items.map((i) => [keyOf(i), i]));
    for (const r of sent) {
      let value: unknown;
      try {
        value = JSON.parse(r.data.toString("utf8"));
      } catch {
        continue;
      }
      const parsed = product.schema.safeParse(value);
      if (!parsed.success) continue;
      const item = byKey.get(keyOf(product.toItem(parsed.data)));
      if (!item) continue;
      const effective =
        product.writeMode === "latest"
          ? String(item[VERSION_ATTRIBUTE]) >= eventVersion(product, parsed.data, r.sequenceNumber)
          : item._sequenceNumber === r.sequenceNumber ||
            item._idempotencyKey === product.idempotencyKey(parsed.data);
      if (!effective) continue;
      // Compare content where the item is this record's own write (not a newer version's).
      const own =
        product.writeMode === "latest"
          ? String(item[VERSION_ATTRIBUTE]) === eventVersion(product, parsed.data, r.sequenceNumber)
          : true;
      if (own) {
        const sentValue = sentJson(r.data);
        const expected = sentValue.ok ? product.schema.safeParse(sentValue.value) : undefined;
        const difference = !sentValue.ok
          ? sentValue.why
          : !expected?.success
            ? "the sent JSON does not match the schema"
            : firstDifference(
                Object.fromEntries(
                  Object.keys(item)
                    .filter((k) => !RUNTIME_ATTRIBUTE.test(k))
                    .map((k) => [k, item[k]]),
                ),
                product.toItem(expected.data) as Record<string, unknown>,
              );
        if (difference !== undefined) {
          altered.set(r.sequenceNumber, { where: "table", detail: difference });
          continue;
        }
      }
      stored.add(r.sequenceNumber);
    }
  }

  // The lake: GZIP objects of JSON lines carrying `_meta.sequenceNumber`.
  const lake = new Set<string>();
  const lakeObjects: string[] = [];
  const d = spec.deliveryStream;
  if (d) {
    for (const key of await listKeys(clients.s3, d.bucket, staticPrefix(d.prefix))) {
      lakeObjects.push(key);
      const body = await getObject(clients.s3, d.bucket, key);
      const text = (d.compression === "GZIP" ? gunzipSync(body) : body).toString();
      for (const line of text.split("\n")) {
        if (!line) continue;
        const { _meta, ...delivered } = JSON.parse(line) as { _meta?: { sequenceNumber?: string } };
        const seq = _meta?.sequenceNumber;
        const r = seq === undefined ? undefined : bySeq.get(seq);
        if (!seq || !r) continue;
        lake.add(seq);
        const sentValue = sentJson(r.data);
        const difference = !sentValue.ok
          ? sentValue.why
          : isDeepStrictEqual(delivered, sentValue.value)
            ? undefined
            : (firstDifference(delivered, sentValue.value as Record<string, unknown>) ??
              "differs from the sent JSON");
        if (difference !== undefined && !altered.has(seq))
          altered.set(seq, { where: "lake", detail: difference });
      }
    }
  }

  // Tumbling-window aggregates.
  const windows = { windows: 0, records: 0, top: [] as { key: string; count: number; sum: number }[] };
  if (spec.aggregator?.table) {
    const items = await scan(clients, spec.aggregator.table);
    const starts = new Set<string>();
    const groups = new Map<string, { count: number; sum: number }>();
    for (const i of items) {
      if (i.dataProduct !== spec.product) continue;
      starts.add(String(i.windowStart));
      if (String(i.sk).startsWith("#TOTAL#")) windows.records += Number(i.records ?? 0);
      else if (typeof i.key === "string") {
        const g = groups.get(i.key) ?? { count: 0, sum: 0 };
        g.count += Number(i.count ?? 0);
        g.sum += Number(i.sum ?? 0);
        groups.set(i.key, g);
      }
    }
    windows.windows = starts.size;
    windows.top = [...groups.entries()]
      .map(([key, g]) => ({ key, ...g }))
      .sort((a, b) => b.count - a.count)
      .slice(0, 3);
  }

  for (const seq of altered.keys()) stored.delete(seq);
  const accounted = new Set<string>([...stored, ...dead.keys(), ...discarded, ...altered.keys()]);
  const lostLines = sent.filter((r) => !accounted.has(r.sequenceNumber)).map((r) => r.line);
  const reasons: Record<string, number> = {};
  for (const v of dead.values()) reasons[v.reason] = (reasons[v.reason] ?? 0) + 1;
  return {
    domain: spec.domain,
    product: spec.product,
    ingested: sent.length,
    refused: refused.map((r) => ({ line: r.line, reason: r.reason })),
    stored: stored.size,
    tableItems,
    deliveredToLake: lake.size,
    lakeObjects,
    deadLettered: dead.size,
    deadLetterReasons: reasons,
    deadLetterLines: [...dead.entries()]
      .map(([seq, v]) => ({ line: bySeq.get(seq)!.line, ...v }))
      .sort((a, b) => a.line - b.line),
    discarded: discarded.size,
    lost: lostLines.length,
    lostLines,
    altered: altered.size,
    alteredLines: [...altered.entries()]
      .map(([seq, v]) => ({ line: bySeq.get(seq)!.line, ...v }))
      .sort((a, b) => a.line - b.line),
    windows,
    seconds,
  };
}

const n = (x: number) => x.toLocaleString("en-US");

/** Attributes the runtime adds to an item (`_version`, `_sequenceNumber`, ...) and the TTL. */
const RUNTIME_ATTRIBUTE = new RegExp(`^(_|${TTL_ATTRIBUTE}$)`);

/** The block `npm start` prints per data product. */
export function formatSummary(s: ProductSummary, options: { perLine?: boolean } = {}): string {
  const rate = s.seconds > 0 ? Math.round(s.ingested / s.seconds) : 0;
  const lines = [
    `${s.domain} / ${s.product}`,
    `  ingested        ${n(s.ingested)} records${s.refused.length ? ` (${s.refused.length} refused before Kinesis)` : ""}`,
    `  stored          ${n(s.stored)} in the serving table (${n(s.tableItems)} items)`,
    `  lake            ${n(s.deliveredToLake)} delivered in ${s.lakeObjects.length} objects${s.lakeObjects[0] ? `, e.g. ${s.lakeObjects[0]}` : ""}`,
    `  dead-lettered   ${n(s.deadLettered)}${
      Object.keys(s.deadLetterReasons).length
        ? ` (${Object.entries(s.deadLetterReasons)
            .map(([r, c]) => `${r}: ${c}`)
            .join(", ")})`
        : ""
    }`,
    ...(s.discarded
      ? [`  discarded       ${n(s.discarded)} by the event source to the on-failure destination`]
      : []),
    `  altered         ${n(s.altered)}   stored or delivered with content that differs from the bytes sent${
      s.altered
        ? `  ALTERED lines: ${s.alteredLines
            .slice(0, 10)
            .map((a) => a.line)
            .join(", ")}`
        : ""
    }`,
    `  lost            ${n(s.lost)}   = ingested − |stored ∪ dead-lettered ∪ discarded ∪ altered|${s.lost ? `  LOST lines: ${s.lostLines.slice(0, 10).join(", ")}` : ""}`,
    ...(s.windows.windows
      ? [
          `  windows         ${n(s.windows.windows)} closed, ${n(s.windows.records)} records; top: ${s.windows.top.map((t) => `${t.key} ${n(t.count)}× Σ${Math.round(t.sum * 100) / 100}`).join(", ")}`,
        ]
      : []),
    `  throughput      ${n(rate)} records/s end to end (${s.seconds.toFixed(1)} s from the first put until every mapping had processed everything)`,
  ];
  if (options.perLine) {
    for (const r of s.refused) lines.push(`  line ${r.line}: not sent — ${r.reason}`);
    for (const d of s.deadLetterLines)
      lines.push(`  line ${d.line}: dead-lettered — ${d.reason}: ${d.detail.slice(0, 120)}`);
    for (const a of s.alteredLines) lines.push(`  line ${a.line}: ALTERED in the ${a.where} — ${a.detail}`);
    for (const l of s.lostLines) lines.push(`  line ${l}: LOST — neither stored nor dead-lettered`);
  }
  return lines.join("\n");
}
