import { RUNTIME_DEFAULTS, SINK_LIMITS } from "../constants";
import { WindowFlushError, WindowStateTooLargeError } from "../errors";
import { decodeBase64, shardIdOf, utf8Text } from "../processor/decode";
import { deaggregate, isAggregated } from "../processor/kpl";
import type { DataProduct, JsonValue } from "../schemas/types";
import { writeImmutable } from "../sinks/dynamodb";
import { marshallItem } from "../sinks/marshall";
import type { DynamoDbPort } from "../sinks/ports";
import { deadlineSignal, systemTiming, type Budget, type RetryPolicy, type Timing } from "../sinks/retry";
import { emfDocument } from "../telemetry/emf";
import type { Logger } from "../telemetry/log";
import type { InvocationContext, KinesisWindowEvent } from "../types";

/** Per-window state Lambda carries between invocations of one shard (kept well under 1 MB). */
export interface WindowState {
  /** Records seen in the window (user records, after KPL de-aggregation). */
  readonly records: number;
  /** Records that could not be decoded or validated (the processor dead-letters them). */
  readonly invalid: number;
  /** Per aggregate key: `[count, sum]`. */
  readonly groups: Readonly<Record<string, readonly [number, number]>>;
}

/** What a tumbling-window invocation returns: the state, always, and no item failures. */
export interface WindowResponse {
  readonly state: WindowState;
  readonly batchItemFailures: { itemIdentifier: string }[];
}

export interface AggregatorOptions {
  readonly product: DataProduct<unknown>;
  /** Table with string keys `pk` and `sk` receiving one item per window, shard and key. */
  readonly table: { readonly port: DynamoDbPort; readonly tableName: string; readonly ttlDays?: number };
  readonly logger: Logger;
  readonly writeMetrics: (line: string) => void;
  readonly metricsNamespace?: string;
  /** Per-key metrics for this many largest keys. Default 10. */
  readonly metricTopKeys?: number;
  /** State size limit in bytes. Default 90 % of 1 MB. */
  readonly stateLimitBytes?: number;
  readonly safetyMarginMs?: number;
  readonly retry?: RetryPolicy;
  readonly timing?: Timing;
  readonly now?: () => number;
}

/** Key attributes of the window table. */
export const WINDOW_TABLE_KEY = { hashKey: "pk", rangeKey: "sk" } as const;

/** The items a final window is stored as: one per key, plus one `#TOTAL` item per shard. */
export function windowItems(args: {
  dataProduct: string;
  shardId: string;
  window: { start: string; end: string };
  state: WindowState;
  expiresAt?: number;
}): Record<string, JsonValue>[] {
  const pk = `WINDOW#${args.dataProduct}#${args.window.start}`;
  const common = {
    pk,
    dataProduct: args.dataProduct,
    windowStart: args.window.start,
    windowEnd: args.window.end,
    shardId: args.shardId,
    ...(args.expiresAt === undefined ? {} : { expiresAt: args.expiresAt }),
  };
  const items: Record<string, JsonValue>[] = [
    { ...common, sk: `#TOTAL#${args.shardId}`, records: args.state.records, invalid: args.state.invalid },
  ];
  for (const [key, [count, sum]] of Object.entries(args.state.groups)) {
    items.push({ ...common, sk: `KEY#${key}#${args.shardId}`, key, count, sum });
  }
  return items;
}

/**
 * Creates a tumbling-window aggregator (event source mapping with `TumblingWindowInSeconds`).
 * Every invocation folds its records into the window's state and returns it (Lambda counts an
 * invocation without `state` as failed). The state is checked against the 1 MB limit and the
 * invocation fails loudly before reaching it. Only the final invocation of a window
 * (`isFinalInvokeForWindow`) writes the window to DynamoDB and emits it as embedded metrics; if
 * that write cannot complete it throws, so Lambda retries with the previous state and nothing is
 * counted twice.
 *
 * @example
 * const handler = createWindowAggregator({ product: defineClickstream(),
 *   table: { port: dynamoDbPort(new DynamoDBClient({})), tableName: "clickstream-windows" },
 *   logger: jsonLogger({}), writeMetrics: (l) => process.stdout.write(l + "\n") });
 */
export function createWindowAggregator(
  options: AggregatorOptions,
): (event: KinesisWindowEvent<WindowState>, context: InvocationContext) => Promise<WindowResponse> {
  const product = options.product;
  const aggregate = product.aggregate;
  if (!aggregate) throw new TypeError(`data product "${product.name}" defines no window aggregate`);
  const schema = product.schema;
  const limit =
    options.stateLimitBytes ??
    Math.floor(SINK_LIMITS.windowStateBytes * RUNTIME_DEFAULTS.windowStateHeadroom);
  const timing = options.timing ?? systemTiming();
  const now = options.now ?? Date.now;
  const retry = options.retry ?? {
    baseDelayMs: RUNTIME_DEFAULTS.retryBaseDelayMs,
    maxDelayMs: RUNTIME_DEFAULTS.retryMaxDelayMs,
  };
  const margin = options.safetyMarginMs ?? RUNTIME_DEFAULTS.safetyMarginMs;
  const topKeys = options.metricTopKeys ?? RUNTIME_DEFAULTS.windowMetricTopKeys;
  const namespace = options.metricsNamespace ?? RUNTIME_DEFAULTS.metricsNamespace;

  return async (event, context) => {
    const prior = event.state as Partial<WindowState> | undefined;
    let records = prior?.records ?? 0;
    let invalid = prior?.invalid ?? 0;
    const groups: Record<string, [number, number]> = {};
    for (const [k, v] of Object.entries(prior?.groups ?? {})) groups[k] = [v[0], v[1]];
    const shardId = event.shardId ?? (event.Records[0] ? shardIdOf(event.Records[0].eventID) : "unknown");
    const log = (level: "info" | "warn" | "error", message: string, fields: Record<string, unknown>) =>
      options.logger.log(level, message, {
        dataProduct: product.name,
        shardId,
        window: event.window,
        ...fields,
      });

    for (const r of event.Records ?? []) {
      const buf = decodeBase64(r.kinesis.data);
      let payloads: Buffer[] = [];
      if (buf === undefined) invalid++;
      else if (isAggregated(buf)) {
        try {
          payloads = deaggregate(buf).map((u) => u.data);
        } catch {
          invalid++;
        }
      } else payloads = [buf];
      for (const bytes of payloads) {
        records++;
        const text = utf8Text(bytes);
        if (text === undefined) {
          invalid++;
          continue;
        }
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          invalid++;
          continue;
        }
        const parsed = schema.safeParse(value);
        if (!parsed.success) {
          invalid++;
          continue;
        }
        const key = aggregate.key(parsed.data);
        if (key === undefined) continue;
        const g = groups[key] ?? (groups[key] = [0, 0]);
        g[0]++;
        g[1] += aggregate.value(parsed.data);
      }
    }

    const state: WindowState = { records, invalid, groups };
    const bytes = Buffer.byteLength(JSON.stringify(state));
    if (bytes > limit) {
      log("error", "window state too large", {
        stateBytes: bytes,
        limitBytes: limit,
        keys: Object.keys(groups).length,
      });
      throw new WindowStateTooLargeError(bytes, limit);
    }
    if (!event.isFinalInvokeForWindow) return { state, batchItemFailures: [] };

    // Final invoke: store the window, then emit it as metrics.
    const deadline = deadlineSignal(context.getRemainingTimeInMillis() - margin);
    const budget: Budget = {
      remainingMs: () => context.getRemainingTimeInMillis() - margin,
      signal: deadline.signal,
    };
    const items = windowItems({
      dataProduct: product.name,
      shardId,
      window: event.window,
      state,
      ...(options.table.ttlDays === undefined
        ? {}
        : { expiresAt: Math.floor(Date.parse(event.window.end) / 1000) + options.table.ttlDays * 86_400 }),
    }).map((i) => {
      const item = marshallItem(i);
      return { item, bytes: Buffer.byteLength(JSON.stringify(i)) };
    });
    const outcome = await writeImmutable(
      {
        port: options.table.port,
        tableName: options.table.tableName,
        key: WINDOW_TABLE_KEY,
        budget,
        retry,
        timing,
        log,
      },
      items,
    ).finally(deadline.clear);
    if (outcome.failed.size > 0 || outcome.rejected.size > 0) {
      log("error", "final window not stored; failing the invoke so Lambda retries it", {
        failed: outcome.failed.size,
        rejected: outcome.rejected.size,
      });
      throw new WindowFlushError(
        `${outcome.failed.size + outcome.rejected.size} of ${items.length} window items not stored`,
      );
    }
    const timestamp = Date.parse(event.window.end) || now();
    const totals = Object.values(groups).reduce((a, g) => [a[0] + g[0], a[1] + g[1]], [0, 0]);
    options.writeMetrics(
      JSON.stringify(
        emfDocument({
          namespace,
          dimensions: { DataProduct: product.name },
          timestamp,
          metrics: {
            WindowRecords: { value: records, unit: "Count" },
            WindowInvalidRecords: { value: invalid, unit: "Count" },
            WindowKeys: { value: Object.keys(groups).length, unit: "Count" },
            WindowCount: { value: totals[0], unit: "Count" },
            WindowSum: { value: totals[1], unit: "None" },
          },
          properties: {
            shardId,
            windowStart: event.window.start,
            windowEnd: event.window.end,
            aggregate: aggregate.description,
          },
        }),
      ),
    );
    const top = Object.entries(groups)
      .sort((a, b) => b[1][0] - a[1][0])
      .slice(0, topKeys);
    for (const [key, [count, sum]] of top) {
      options.writeMetrics(
        JSON.stringify(
          emfDocument({
            namespace,
            dimensions: { DataProduct: product.name, Key: key },
            timestamp,
            metrics: {
              WindowCount: { value: count, unit: "Count" },
              WindowSum: { value: sum, unit: "None" },
            },
            properties: { shardId, windowStart: event.window.start },
          }),
        ),
      );
    }
    log("info", "window flushed", {
      records,
      invalid,
      keys: Object.keys(groups).length,
      items: items.length,
      retries: outcome.retries,
    });
    return { state, batchItemFailures: [] };
  };
}
