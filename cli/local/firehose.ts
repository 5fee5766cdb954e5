import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import type { DeliverySpec } from "./model";

/*
 * Amazon Data Firehose, as far as the platform uses it, on loopback: the JSON API
 * (`X-Amz-Target: Firehose_20150804.PutRecordBatch` / `PutRecord`, base64 `Data`) that the
 * processor's real SDK client reaches through `AWS_ENDPOINT_URL_FIREHOSE`, buffering per delivery
 * stream and partition with the stream's `bufferingInterval`/`bufferingSize`, delimited multi-record
 * deaggregation (`RecordDeAggregation`, at most 500 sub-records per record), dynamic partitioning
 * with the MetadataExtraction query, `AppendDelimiterToRecord`, the rendered `prefix`, GZIP objects
 * in the destination bucket, and records that cannot be processed under `errorOutputPrefix`.
 */

/** Where delivered objects go (s3rver through the S3 client, or a fake in tests). */
export interface ObjectSink {
  put(bucket: string, key: string, body: Buffer): Promise<void>;
}

/** A MetadataExtraction query the local emulation cannot evaluate. */
export class UnsupportedQueryError extends Error {
  constructor(query: string, why: string) {
    super(
      `MetadataExtractionQuery ${JSON.stringify(query)} is not supported locally (${why}): the local Firehose ` +
        "evaluates JQ objects of plain paths such as {year: ._meta.partition.year, month: ._meta.partition.month}",
    );
    this.name = "UnsupportedQueryError";
  }
}

/** A compiled partition query: record → partition keys, or an error message. */
export type PartitionQuery = (record: unknown) => { keys: Record<string, string> } | { error: string };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Compiles the JQ form the runtime uses: an object whose values are paths,
 * `{year: ._meta.partition.year, hour: .a."b-c"}`. Anything else throws `UnsupportedQueryError`.
 */
export function compilePartitionQuery(query: string): PartitionQuery {
  const q = query.trim();
  if (!q.startsWith("{") || !q.endsWith("}")) throw new UnsupportedQueryError(query, "not an object");
  const body = q.slice(1, -1).trim();
  if (body === "") throw new UnsupportedQueryError(query, "no keys");
  const fields: { name: string; path: string[] }[] = [];
  for (const part of body.split(",")) {
    const colon = part.indexOf(":");
    if (colon < 0) throw new UnsupportedQueryError(query, `"${part.trim()}" is not "key: .path"`);
    const name = part.slice(0, colon).trim();
    const expr = part.slice(colon + 1).trim();
    if (!IDENT.test(name)) throw new UnsupportedQueryError(query, `key "${name}"`);
    if (!expr.startsWith(".")) throw new UnsupportedQueryError(query, `"${expr}" is not a path`);
    const path: string[] = [];
    const re = /\.(?:([A-Za-z_][A-Za-z0-9_]*)|"([^"]+)")/gy;
    let m: RegExpExecArray | null;
    let consumed = 0;
    while ((m = re.exec(expr)) !== null) {
      path.push(m[1] ?? m[2]);
      consumed = re.lastIndex;
    }
    if (consumed !== expr.length || path.length === 0) {
      throw new UnsupportedQueryError(query, `"${expr}" uses more than plain field access`);
    }
    fields.push({ name, path });
  }
  return (record) => {
    const keys: Record<string, string> = {};
    for (const f of fields) {
      let v: unknown = record;
      for (const p of f.path)
        v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined;
      if (v === undefined || v === null)
        return { error: `partition key "${f.name}" (.${f.path.join(".")}) is null` };
      if (typeof v === "object") return { error: `partition key "${f.name}" is not a scalar` };
      keys[f.name] = String(v);
    }
    return { keys };
  };
}

const TIMESTAMP_TOKENS: Record<string, (d: Date) => string> = {
  yyyy: (d) => String(d.getUTCFullYear()),
  yy: (d) => String(d.getUTCFullYear()).slice(-2),
  MM: (d) => String(d.getUTCMonth() + 1).padStart(2, "0"),
  dd: (d) => String(d.getUTCDate()).padStart(2, "0"),
  HH: (d) => String(d.getUTCHours()).padStart(2, "0"),
  mm: (d) => String(d.getUTCMinutes()).padStart(2, "0"),
  ss: (d) => String(d.getUTCSeconds()).padStart(2, "0"),
};

/** Renders a Java DateTimeFormatter pattern made of the usual tokens (UTC). */
function formatTimestamp(pattern: string, d: Date): string {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const token = ["yyyy", "yy", "MM", "dd", "HH", "mm", "ss"].find((t) => pattern.startsWith(t, i));
    if (token) {
      out += TIMESTAMP_TOKENS[token](d);
      i += token.length;
    } else if (/[A-Za-z]/.test(pattern[i])) {
      throw new Error(
        `!{timestamp:${pattern}}: "${pattern[i]}" is not supported locally (use yyyy, MM, dd, HH, mm, ss)`,
      );
    } else out += pattern[i++];
  }
  return out;
}

/**
 * Renders a Firehose S3 prefix: `!{partitionKeyFromQuery:k}`, `!{timestamp:yyyy}`,
 * `!{firehose:error-output-type}`, `!{firehose:random-string}`.
 */
export function renderPrefix(
  prefix: string,
  ctx: { keys?: Record<string, string>; at: Date; errorOutputType?: string },
): string {
  return prefix.replace(/!\{([A-Za-z]+):([^}]*)\}/g, (whole, ns: string, value: string) => {
    switch (ns) {
      case "partitionKeyFromQuery": {
        const v = ctx.keys?.[value];
        if (v === undefined) throw new Error(`${whole}: no partition key "${value}" from the query`);
        return v;
      }
      case "timestamp":
        return formatTimestamp(value, ctx.at);
      case "firehose":
        if (value === "error-output-type") return ctx.errorOutputType ?? "processing-failed";
        if (value === "random-string") return randomUUID().slice(0, 11);
        throw new Error(`${whole}: unknown firehose expression`);
      default:
        throw new Error(`${whole}: the "${ns}" namespace is not supported locally`);
    }
  });
}

const NEWLINE = Buffer.from("\n");

/** The parts of `data` between delimiters (an empty part is kept: it then fails partitioning as not JSON). */
function split(data: Buffer, delimiter: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = data.indexOf(delimiter, from); at >= 0; at = data.indexOf(delimiter, from)) {
    parts.push(data.subarray(from, at));
    from = at + delimiter.length;
  }
  parts.push(data.subarray(from));
  return parts;
}

/** Firehose's prefix when none is set: `YYYY/MM/dd/HH/` of the oldest record. */
const DEFAULT_PREFIX = "!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/";

interface Buffered {
  readonly bucket: string;
  readonly prefix: string;
  readonly records: Buffer[];
  bytes: number;
  /** Arrival of the oldest record (timestamps in the prefix and the flush deadline use it). */
  readonly firstMs: number;
}

/** Firehose's cap on sub-records per record in multi-record deaggregation. */
const MAX_SUB_RECORDS = 500;

interface StreamState {
  readonly spec: DeliverySpec;
  readonly query?: PartitionQuery;
  /** The deaggregation delimiter, when records are split. */
  readonly delimiter?: Buffer;
  readonly buffers: Map<string, Buffered>;
  received: number;
  delivered: number;
  failed: number;
  objects: string[];
}

export interface FirehoseStats {
  readonly name: string;
  readonly received: number;
  readonly delivered: number;
  readonly failed: number;
  readonly buffered: number;
  readonly objects: readonly string[];
}

/**
 * The delivery streams of a plan, with their buffers. `accept` is what PutRecordBatch does;
 * `tick` flushes buffers whose interval has elapsed; `flush` empties every buffer (the run's end).
 */
export class DeliveryStreams {
  private readonly streams = new Map<string, StreamState>();
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    specs: readonly DeliverySpec[],
    private readonly sink: ObjectSink,
    private readonly now: () => number = Date.now,
  ) {
    for (const spec of specs) {
      if (spec.compression !== "GZIP" && spec.compression !== "UNCOMPRESSED") {
        throw new Error(
          `${spec.urn}: compressionFormat ${spec.compression} is not emulated locally (GZIP or UNCOMPRESSED)`,
        );
      }
      const d = spec.deaggregation;
      if (d && (d.subRecordType !== "DELIMITED" || !d.delimiterBase64)) {
        throw new Error(
          `${spec.urn}: RecordDeAggregation of type ${d.subRecordType} is not emulated locally (DELIMITED with a Delimiter is)`,
        );
      }
      this.streams.set(spec.name, {
        spec,
        ...(d?.delimiterBase64 ? { delimiter: Buffer.from(d.delimiterBase64, "base64") } : {}),
        ...(spec.partitionQuery ? { query: compilePartitionQuery(spec.partitionQuery) } : {}),
        buffers: new Map(),
        received: 0,
        delivered: 0,
        failed: 0,
        objects: [],
      });
    }
  }

  has(name: string): boolean {
    return this.streams.has(name);
  }

  names(): string[] {
    return [...this.streams.keys()];
  }

  /** Buffers records of one PutRecordBatch call; returns a record id per record. */
  accept(name: string, records: readonly Buffer[]): string[] {
    const s = this.streams.get(name);
    if (!s) throw new Error(`delivery stream ${name} not found`);
    const at = this.now();
    const ids: string[] = [];
    for (const data of records) {
      s.received++;
      ids.push(randomUUID().replace(/-/g, "") + randomUUID().replace(/-/g, ""));
      const subRecords = s.delimiter ? split(data, s.delimiter) : [data];
      if (subRecords.length > MAX_SUB_RECORDS) {
        this.failRecord(
          s,
          data,
          at,
          `record holds ${subRecords.length} sub-records; deaggregation splits at most ${MAX_SUB_RECORDS}`,
          "RecordDeAggregation.TooManySubRecords",
        );
        continue;
      }
      for (const sub of subRecords) this.route(s, sub, at);
    }
    return ids;
  }

  /** Partitions one (sub-)record and buffers it, ended by a newline when the stream appends one. */
  private route(s: StreamState, record: Buffer, at: number) {
    const data = s.spec.appendDelimiter ? Buffer.concat([record, NEWLINE]) : record;
    let prefix: string;
    let bucketKey: string;
    if (s.query) {
      let outcome: { keys: Record<string, string> } | { error: string };
      try {
        outcome = s.query(JSON.parse(record.toString("utf8")));
      } catch (err) {
        outcome = { error: `record is not JSON: ${(err as Error).message}` };
      }
      if ("error" in outcome) {
        this.failRecord(s, record, at, outcome.error);
        return;
      }
      try {
        prefix = renderPrefix(s.spec.prefix, { keys: outcome.keys, at: new Date(at) });
      } catch (err) {
        this.failRecord(s, record, at, (err as Error).message);
        return;
      }
      bucketKey = `ok:${prefix}`;
    } else {
      prefix = s.spec.prefix;
      bucketKey = "plain";
    }
    this.buffer(s, bucketKey, prefix, data, at);
  }

  private failRecord(
    s: StreamState,
    data: Buffer,
    at: number,
    message: string,
    errorCode = "DynamicPartitioning.MetadataExtractionFailed",
  ) {
    s.failed++;
    const doc = {
      attemptsMade: 1,
      arrivalTimestamp: at,
      errorCode,
      errorMessage: message,
      attemptEndingTimestamp: at,
      rawData: data.toString("base64"),
    };
    this.buffer(s, "error", "", Buffer.from(JSON.stringify(doc) + "\n"), at);
  }

  private buffer(s: StreamState, key: string, prefix: string, data: Buffer, at: number) {
    let b = s.buffers.get(key);
    if (!b) {
      b = { bucket: s.spec.bucket, prefix, records: [], bytes: 0, firstMs: at };
      s.buffers.set(key, b);
    }
    b.records.push(data);
    b.bytes += data.length;
    if (b.bytes >= s.spec.bufferingMb * 1024 * 1024) this.write(s, key, b);
  }

  private write(s: StreamState, key: string, b: Buffered) {
    s.buffers.delete(key);
    const at = new Date(b.firstMs);
    const isError = key === "error";
    const prefix = isError
      ? renderPrefix(s.spec.errorOutputPrefix, { at, errorOutputType: "partitioning-failed" })
      : key === "plain"
        ? renderPrefix(s.spec.prefix || DEFAULT_PREFIX, { at })
        : b.prefix;
    const stamp = at.toISOString().slice(0, 19).replace(/[T:]/g, "-");
    const gzip = s.spec.compression === "GZIP";
    const objectKey = `${prefix}${s.spec.name}-1-${stamp}-${randomUUID()}${gzip ? ".gz" : ""}`;
    const body = Buffer.concat(b.records);
    if (!isError) s.delivered += b.records.length;
    s.objects.push(objectKey);
    const done = this.sink.put(b.bucket, objectKey, gzip ? gzipSync(body) : body);
    this.writes = Promise.all([this.writes, done]);
  }

  /** Flushes the buffers whose buffering interval has elapsed. */
  tick(): void {
    const now = this.now();
    for (const s of this.streams.values()) {
      for (const [key, b] of [...s.buffers]) {
        if (now - b.firstMs >= s.spec.bufferingSeconds * 1000) this.write(s, key, b);
      }
    }
  }

  /** Writes every buffer now and waits for the objects to be stored. */
  async flush(): Promise<void> {
    for (const s of this.streams.values()) for (const [key, b] of [...s.buffers]) this.write(s, key, b);
    await this.writes;
  }

  /** Waits for objects already being written. */
  settled(): Promise<unknown> {
    return this.writes;
  }

  stats(): FirehoseStats[] {
    return [...this.streams.values()].map((s) => ({
      name: s.spec.name,
      received: s.received,
      delivered: s.delivered,
      failed: s.failed,
      buffered: [...s.buffers.values()].reduce((n, b) => n + b.records.length, 0),
      objects: s.objects,
    }));
  }

  /** Records waiting in buffers, over every stream. */
  buffered(): number {
    return this.stats().reduce((n, s) => n + s.buffered, 0);
  }
}

const JSON_TYPE = "application/x-amz-json-1.1";

function reply(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": JSON_TYPE, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function clientError(res: http.ServerResponse, type: string, message: string, status = 400) {
  reply(res, status, { __type: type, message });
}

/** Firehose's own limits on PutRecordBatch, checked like the service does. */
const LIMITS = { batchRecords: 500, batchBytes: 4 * 1024 * 1024, recordBytes: 1000 * 1024 } as const;

/**
 * Serves the Firehose JSON API over `streams` on loopback. Returns the endpoint and a `close`.
 * `tickMs` is how often buffering intervals are checked.
 */
export async function startFirehoseServer(
  streams: DeliveryStreams,
  options: { port?: number; tickMs?: number } = {},
): Promise<{ endpoint: string; port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const op = target.startsWith("Firehose_20150804.") ? target.slice("Firehose_20150804.".length) : "";
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      } catch {
        return clientError(res, "SerializationException", "request body is not JSON");
      }
      const name = String(body.DeliveryStreamName ?? "");
      try {
        switch (op) {
          case "PutRecordBatch":
          case "PutRecord": {
            if (!streams.has(name)) {
              return clientError(
                res,
                "ResourceNotFoundException",
                `Firehose ${name} under account 000000000000 not found.`,
              );
            }
            const raw = op === "PutRecord" ? [body.Record] : ((body.Records as unknown[]) ?? []);
            if (op === "PutRecordBatch" && (raw.length === 0 || raw.length > LIMITS.batchRecords)) {
              return clientError(
                res,
                "InvalidArgumentException",
                `Records must hold 1 to ${LIMITS.batchRecords} records`,
              );
            }
            const data = raw.map((r) => Buffer.from(String((r as { Data?: string })?.Data ?? ""), "base64"));
            const total = data.reduce((n, d) => n + d.length, 0);
            if (data.some((d) => d.length > LIMITS.recordBytes) || total > LIMITS.batchBytes) {
              return clientError(
                res,
                "InvalidArgumentException",
                "record or batch exceeds the Firehose size limits",
              );
            }
            const ids = streams.accept(name, data);
            if (op === "PutRecord") return reply(res, 200, { RecordId: ids[0], Encrypted: false });
            return reply(res, 200, {
              FailedPutCount: 0,
              Encrypted: false,
              RequestResponses: ids.map((RecordId) => ({ RecordId })),
            });
          }
          case "ListDeliveryStreams":
            return reply(res, 200, { DeliveryStreamNames: streams.names(), HasMoreDeliveryStreams: false });
          case "DescribeDeliveryStream": {
            if (!streams.has(name))
              return clientError(res, "ResourceNotFoundException", `Firehose ${name} not found.`);
            return reply(res, 200, {
              DeliveryStreamDescription: {
                DeliveryStreamName: name,
                DeliveryStreamStatus: "ACTIVE",
                DeliveryStreamType: "DirectPut",
                VersionId: "1",
                Destinations: [],
                HasMoreDestinations: false,
              },
            });
          }
          default:
            return clientError(
              res,
              "UnknownOperationException",
              `${target || "(no X-Amz-Target)"} is not emulated locally (PutRecord, PutRecordBatch, ListDeliveryStreams, DescribeDeliveryStream)`,
            );
        }
      } catch (err) {
        return reply(res, 500, { __type: "ServiceUnavailableException", message: (err as Error).message });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const timer = setInterval(() => streams.tick(), options.tickMs ?? 500);
  timer.unref();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
