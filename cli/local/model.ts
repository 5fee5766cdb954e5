import type { ProjectPlan } from "../../harness/evaluate";
import { type ResourceState, UNKNOWN } from "../../harness/plan";

/*
 * The data plane of the evaluated plans, found generically by resource type: whatever streams,
 * tables, buckets, functions, event source mappings and delivery streams the projects declare,
 * with the inputs the plan recorded. Physical names are the resources' ids (the offline plan's
 * mocks auto-name like Pulumi) unless the inputs name them.
 */

export const TYPES = {
  stream: "aws:kinesis/stream:Stream",
  table: "aws:dynamodb/table:Table",
  bucket: "aws:s3/bucket:Bucket",
  bucketV2: "aws:s3/bucketV2:BucketV2",
  function: "aws:lambda/function:Function",
  mapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  delivery: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
  consumer: "aws:kinesis/streamConsumer:StreamConsumer",
} as const;

/** Shards given to an on-demand stream locally (AWS starts on-demand streams with 4 and scales). */
export const ON_DEMAND_LOCAL_SHARDS = 2;

export interface StreamSpec {
  readonly project: string;
  readonly urn: string;
  readonly name: string;
  readonly shards: number;
  readonly mode: "PROVISIONED" | "ON_DEMAND";
  readonly retentionHours: number;
}

export interface TableSpec {
  readonly project: string;
  readonly urn: string;
  readonly name: string;
  readonly hashKey: string;
  readonly rangeKey?: string;
  readonly attributes: { name: string; type: "S" | "N" | "B" }[];
}

export interface BucketSpec {
  readonly project: string;
  readonly urn: string;
  readonly name: string;
}

/** One file of a function's deployment package: inline text or a path on disk (relative to the project). */
export type PackageEntry = { readonly text: string } | { readonly path: string };

export interface FunctionSpec {
  readonly project: string;
  readonly projectDir: string;
  readonly urn: string;
  readonly name: string;
  readonly handler: string;
  readonly runtime?: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly environment: Record<string, string>;
  /** Archive entries by their path inside the package (`__index.js`, `../../node_modules/zod`). */
  readonly code: Record<string, PackageEntry>;
}

export interface MappingSpec {
  readonly project: string;
  readonly urn: string;
  readonly name: string;
  readonly streamName: string;
  readonly eventSourceArn: string;
  readonly functionName: string;
  readonly startingPosition: "TRIM_HORIZON" | "LATEST" | "AT_TIMESTAMP";
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly parallelizationFactor: number;
  readonly reportBatchItemFailures: boolean;
  readonly bisectOnError: boolean;
  /** -1 = retry until the record expires (AWS default). */
  readonly maximumRetryAttempts: number;
  /** -1 = no limit (AWS default). */
  readonly maximumRecordAgeSeconds: number;
  readonly tumblingWindowSeconds?: number;
  readonly onFailureArn?: string;
}

export interface DeliverySpec {
  readonly project: string;
  readonly urn: string;
  readonly name: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly errorOutputPrefix: string;
  readonly bufferingSeconds: number;
  readonly bufferingMb: number;
  readonly compression: string;
  /** The MetadataExtraction query of the processing configuration, when dynamic partitioning is on. */
  readonly partitionQuery?: string;
  /** The RecordDeAggregation processor's sub-record type and (base64) delimiter, when there is one. */
  readonly deaggregation?: { readonly subRecordType: string; readonly delimiterBase64?: string };
  /** Whether an AppendDelimiterToRecord processor ends each record with a newline. */
  readonly appendDelimiter?: boolean;
}

export interface DataPlane {
  readonly streams: StreamSpec[];
  readonly tables: TableSpec[];
  readonly buckets: BucketSpec[];
  readonly functions: FunctionSpec[];
  readonly mappings: MappingSpec[];
  readonly deliveries: DeliverySpec[];
}

/** A data product as one domain deploys it: the stream, its processor and everything it writes to. */
export interface ProductSpec {
  readonly domain: string;
  readonly product: string;
  readonly stream: StreamSpec;
  readonly processor: FunctionSpec;
  readonly processorMapping: MappingSpec;
  readonly table?: string;
  readonly tableKey?: { hashKey: string; rangeKey?: string };
  readonly deliveryStream?: DeliverySpec;
  readonly deadLetterBucket?: string;
  readonly deadLetterPrefix: string;
  readonly aggregator?: { fn: FunctionSpec; mapping: MappingSpec; table?: string };
}

/** A plan value that does not help locally: unknown in a real preview, or absent. */
function known(v: unknown): boolean {
  return v !== undefined && v !== null && v !== UNKNOWN;
}

function str(v: unknown, what: string): string {
  if (typeof v !== "string" || !known(v))
    throw new Error(`${what} is not known in the plan (got ${JSON.stringify(v)})`);
  return v;
}

function num(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

/** The resource's physical name: the naming input when set, else the id the plan recorded. */
function physicalName(s: ResourceState, nameKey = "name"): string {
  const given = s.inputs[nameKey];
  if (typeof given === "string" && known(given)) return given;
  if (s.id && known(s.id)) return s.id;
  throw new Error(
    `${s.urn}: no physical name in the plan (neither inputs.${nameKey} nor an id); evaluate the project offline (npm run plan) rather than reading a real preview`,
  );
}

/** `arn:aws:kinesis:<region>:<acct>:stream/<name>` → name; also accepts a plain name. */
export function nameFromArn(arn: string): string {
  if (!arn.startsWith("arn:")) return arn;
  const parts = arn.split(":");
  if (parts[2] === "s3") return parts.slice(5).join(":");
  if (parts[2] === "lambda") return parts[6] ?? arn;
  const resource = parts.slice(5).join(":");
  const slash = resource.indexOf("/");
  if (parts[2] === "kinesis" && resource.startsWith("stream/")) return resource.slice(7).split("/")[0];
  return slash >= 0 ? resource.slice(slash + 1) : resource;
}

const SIG = "4dabf18193072939515e22adb298388d";

/** Flattens a serialized AssetArchive into path → entry (nested archives keep their own path). */
function archiveEntries(code: unknown, urn: string): Record<string, PackageEntry> {
  const out: Record<string, PackageEntry> = {};
  const c = code as Record<string, unknown> | undefined;
  if (!c || typeof c !== "object" || !c[SIG] || typeof c.assets !== "object" || c.assets === null) {
    throw new Error(`${urn}: code is not an inline archive (only inline CallbackFunctions run locally)`);
  }
  for (const [k, v] of Object.entries(c.assets as Record<string, Record<string, unknown>>)) {
    if (typeof v.text === "string") out[k] = { text: v.text };
    else if (typeof v.path === "string") out[k] = { path: v.path };
    else throw new Error(`${urn}: archive entry ${k} is neither text nor a path`);
  }
  return out;
}

/** Reads the data plane of every plan. */
export function dataPlane(plans: readonly ProjectPlan[]): DataPlane {
  const plane: DataPlane = {
    streams: [],
    tables: [],
    buckets: [],
    functions: [],
    mappings: [],
    deliveries: [],
  };
  // Enhanced fan-out: a mapping reads a consumer; locally its stream is read directly.
  const consumerStream = new Map<string, string>();
  for (const plan of plans) {
    for (const step of plan.document.steps) {
      const s = step.newState;
      if (s?.type !== TYPES.consumer || typeof s.inputs.streamArn !== "string") continue;
      const name = typeof s.inputs.name === "string" ? s.inputs.name : s.id;
      if (name) consumerStream.set(name, nameFromArn(s.inputs.streamArn));
    }
  }
  for (const plan of plans) {
    const project = plan.project.name;
    for (const step of plan.document.steps) {
      const s = step.newState;
      if (!s) continue;
      const i = s.inputs;
      switch (s.type) {
        case TYPES.stream: {
          const mode = (i.streamModeDetails as { streamMode?: string } | undefined)?.streamMode;
          const onDemand = mode === "ON_DEMAND";
          plane.streams.push({
            project,
            urn: s.urn,
            name: physicalName(s),
            mode: onDemand ? "ON_DEMAND" : "PROVISIONED",
            shards: onDemand ? ON_DEMAND_LOCAL_SHARDS : num(i.shardCount, 1),
            retentionHours: num(i.retentionPeriod, 24),
          });
          break;
        }
        case TYPES.table: {
          const attrs = ((i.attributes as { name: string; type: string }[] | undefined) ?? []).map((a) => ({
            name: a.name,
            type: a.type as "S" | "N" | "B",
          }));
          plane.tables.push({
            project,
            urn: s.urn,
            name: physicalName(s),
            hashKey: str(i.hashKey, `${s.urn} hashKey`),
            ...(typeof i.rangeKey === "string" ? { rangeKey: i.rangeKey } : {}),
            attributes: attrs,
          });
          break;
        }
        case TYPES.bucket:
        case TYPES.bucketV2:
          plane.buckets.push({ project, urn: s.urn, name: physicalName(s, "bucket") });
          break;
        case TYPES.function: {
          const env = ((i.environment as { variables?: Record<string, unknown> } | undefined)?.variables ??
            {}) as Record<string, unknown>;
          const environment: Record<string, string> = {};
          for (const [k, v] of Object.entries(env)) if (known(v)) environment[k] = String(v);
          plane.functions.push({
            project,
            projectDir: plan.project.dir,
            urn: s.urn,
            name: physicalName(s),
            handler: typeof i.handler === "string" ? i.handler : "index.handler",
            ...(typeof i.runtime === "string" ? { runtime: i.runtime } : {}),
            timeoutSeconds: num(i.timeout, 3),
            memoryMb: num(i.memorySize, 128),
            environment,
            code: archiveEntries(i.code, s.urn),
          });
          break;
        }
        case TYPES.mapping: {
          const arn = str(i.eventSourceArn, `${s.urn} eventSourceArn`);
          if (!arn.startsWith("arn:aws:kinesis:")) break; // only Kinesis sources run locally
          const consumer = /\/consumer\/([^:/]+)/.exec(arn)?.[1];
          const streamName =
            consumer && consumerStream.has(consumer) ? consumerStream.get(consumer)! : nameFromArn(arn);
          const types = (i.functionResponseTypes as string[] | undefined) ?? [];
          const onFailure = (i.destinationConfig as { onFailure?: { destinationArn?: string } } | undefined)
            ?.onFailure?.destinationArn;
          plane.mappings.push({
            project,
            urn: s.urn,
            name: physicalName(s, "uuid"),
            eventSourceArn: arn,
            streamName,
            functionName: nameFromArn(str(i.functionName, `${s.urn} functionName`)),
            startingPosition: (i.startingPosition as MappingSpec["startingPosition"]) ?? "LATEST",
            batchSize: num(i.batchSize, 100),
            batchingWindowSeconds: num(i.maximumBatchingWindowInSeconds, 0),
            parallelizationFactor: num(i.parallelizationFactor, 1),
            reportBatchItemFailures: types.includes("ReportBatchItemFailures"),
            bisectOnError: i.bisectBatchOnFunctionError === true,
            maximumRetryAttempts: num(i.maximumRetryAttempts, -1),
            maximumRecordAgeSeconds: num(i.maximumRecordAgeInSeconds, -1),
            ...(typeof i.tumblingWindowInSeconds === "number" && i.tumblingWindowInSeconds > 0
              ? { tumblingWindowSeconds: i.tumblingWindowInSeconds }
              : {}),
            ...(typeof onFailure === "string" && known(onFailure) ? { onFailureArn: onFailure } : {}),
          });
          break;
        }
        case TYPES.delivery: {
          const s3 = (i.extendedS3Configuration ?? {}) as Record<string, unknown>;
          const processors =
            ((s3.processingConfiguration as { enabled?: boolean; processors?: unknown[] } | undefined)
              ?.processors as
              | { type: string; parameters?: { parameterName: string; parameterValue: string }[] }[]
              | undefined) ?? [];
          const query = processors
            .find((p) => p.type === "MetadataExtraction")
            ?.parameters?.find((p) => p.parameterName === "MetadataExtractionQuery")?.parameterValue;
          const partitioned =
            (s3.dynamicPartitioningConfiguration as { enabled?: boolean } | undefined)?.enabled === true;
          const param = (type: string, name: string) =>
            processors.find((p) => p.type === type)?.parameters?.find((p) => p.parameterName === name)
              ?.parameterValue;
          const subRecordType = param("RecordDeAggregation", "SubRecordType");
          const delimiterBase64 = param("RecordDeAggregation", "Delimiter");
          plane.deliveries.push({
            project,
            urn: s.urn,
            name: physicalName(s),
            bucket: nameFromArn(str(s3.bucketArn, `${s.urn} extendedS3Configuration.bucketArn`)),
            prefix: typeof s3.prefix === "string" ? s3.prefix : "",
            errorOutputPrefix: typeof s3.errorOutputPrefix === "string" ? s3.errorOutputPrefix : "",
            bufferingSeconds: num(s3.bufferingInterval, 300),
            bufferingMb: num(s3.bufferingSize, 5),
            compression: typeof s3.compressionFormat === "string" ? s3.compressionFormat : "UNCOMPRESSED",
            ...(partitioned && query ? { partitionQuery: query } : {}),
            ...(subRecordType
              ? { deaggregation: { subRecordType, ...(delimiterBase64 ? { delimiterBase64 } : {}) } }
              : {}),
            ...(processors.some((p) => p.type === "AppendDelimiterToRecord")
              ? { appendDelimiter: true }
              : {}),
          });
          break;
        }
      }
    }
  }
  return plane;
}

/**
 * The data products of the plane, per domain (project): a function with a `DATA_PRODUCT`
 * variable behind a Kinesis mapping without a tumbling window is a product's processor; one with a
 * tumbling window is its aggregator.
 */
export function dataProducts(plane: DataPlane): ProductSpec[] {
  const out: ProductSpec[] = [];
  const fnByName = new Map(plane.functions.map((f) => [f.name, f]));
  const streamByName = new Map(plane.streams.map((s) => [s.name, s]));
  const deliveryByName = new Map(plane.deliveries.map((d) => [d.name, d]));
  const tableByName = new Map(plane.tables.map((t) => [t.name, t]));
  for (const m of plane.mappings) {
    const fn = fnByName.get(m.functionName);
    const product = fn?.environment.DATA_PRODUCT;
    if (!fn || !product || m.tumblingWindowSeconds !== undefined) continue;
    const stream = streamByName.get(m.streamName);
    if (!stream) continue; // reported by checkWiring
    const aggMapping = plane.mappings.find(
      (a) =>
        a.streamName === m.streamName &&
        a.tumblingWindowSeconds !== undefined &&
        fnByName.get(a.functionName)?.environment.DATA_PRODUCT === product,
    );
    const aggFn = aggMapping ? fnByName.get(aggMapping.functionName) : undefined;
    const table = fn.environment.TABLE_NAME;
    const t = table ? tableByName.get(table) : undefined;
    out.push({
      domain: fn.project,
      product,
      stream,
      processor: fn,
      processorMapping: m,
      ...(table ? { table } : {}),
      ...(t ? { tableKey: { hashKey: t.hashKey, ...(t.rangeKey ? { rangeKey: t.rangeKey } : {}) } } : {}),
      ...(fn.environment.DELIVERY_STREAM_NAME && deliveryByName.get(fn.environment.DELIVERY_STREAM_NAME)
        ? { deliveryStream: deliveryByName.get(fn.environment.DELIVERY_STREAM_NAME)! }
        : {}),
      ...(fn.environment.DEAD_LETTER_BUCKET ? { deadLetterBucket: fn.environment.DEAD_LETTER_BUCKET } : {}),
      deadLetterPrefix: fn.environment.DEAD_LETTER_PREFIX ?? "dead-letters/",
      ...(aggMapping && aggFn
        ? {
            aggregator: {
              fn: aggFn,
              mapping: aggMapping,
              ...(aggFn.environment.TABLE_NAME ? { table: aggFn.environment.TABLE_NAME } : {}),
            },
          }
        : {}),
    });
  }
  return out.sort((a, b) => a.domain.localeCompare(b.domain) || a.product.localeCompare(b.product));
}

/**
 * Names the plan wires into functions and mappings that no resource of the plan creates. Not an
 * error by itself (a name may belong to another stack), but locally it fails like in AWS, so the
 * run lists them before starting.
 */
export function checkWiring(plane: DataPlane): string[] {
  const problems: string[] = [];
  const streams = new Set(plane.streams.map((s) => s.name));
  const functions = new Set(plane.functions.map((f) => f.name));
  const tables = new Set(plane.tables.map((t) => t.name));
  const buckets = new Set(plane.buckets.map((b) => b.name));
  const deliveries = new Set(plane.deliveries.map((d) => d.name));
  for (const m of plane.mappings) {
    if (!streams.has(m.streamName))
      problems.push(`${m.urn}: reads stream "${m.streamName}", which no project creates`);
    if (!functions.has(m.functionName))
      problems.push(`${m.urn}: invokes function "${m.functionName}", which no project creates`);
    if (m.onFailureArn?.startsWith("arn:aws:s3:::") && !buckets.has(nameFromArn(m.onFailureArn)))
      problems.push(
        `${m.urn}: on-failure bucket "${nameFromArn(m.onFailureArn)}" is not created by any project`,
      );
  }
  for (const f of plane.functions) {
    const e = f.environment;
    if (e.TABLE_NAME && !tables.has(e.TABLE_NAME))
      problems.push(`${f.urn}: TABLE_NAME = "${e.TABLE_NAME}", a table no project creates`);
    if (e.DELIVERY_STREAM_NAME && !deliveries.has(e.DELIVERY_STREAM_NAME))
      problems.push(
        `${f.urn}: DELIVERY_STREAM_NAME = "${e.DELIVERY_STREAM_NAME}", a delivery stream no project creates`,
      );
    if (e.DEAD_LETTER_BUCKET && !buckets.has(e.DEAD_LETTER_BUCKET))
      problems.push(`${f.urn}: DEAD_LETTER_BUCKET = "${e.DEAD_LETTER_BUCKET}", a bucket no project creates`);
  }
  for (const d of plane.deliveries) {
    if (!buckets.has(d.bucket))
      problems.push(`${d.urn}: delivers to bucket "${d.bucket}", which no project creates`);
  }
  return problems;
}
