/** CloudWatch units used by the runtime's metrics. */
export const METRIC_UNITS = { count: "Count", milliseconds: "Milliseconds", none: "None" } as const;
export type MetricUnit = (typeof METRIC_UNITS)[keyof typeof METRIC_UNITS];

/** One metric value with its unit. */
export interface MetricValue {
  readonly value: number;
  readonly unit: MetricUnit;
}

/**
 * Builds a CloudWatch Embedded Metric Format document: one log line that CloudWatch turns into
 * metrics in `namespace`. `dimensionSets` lists the dimension combinations to publish (each a
 * list of keys of `dimensions`); by default one set made of every key.
 *
 * @example
 * write(JSON.stringify(emfDocument({ namespace: "DataPlatform/Streaming", dimensions: { DataProduct: "orders" },
 *   metrics: { Records: { value: 100, unit: "Count" } }, timestamp: Date.now() })));
 */
export function emfDocument(args: {
  namespace: string;
  dimensions: Record<string, string>;
  dimensionSets?: string[][];
  metrics: Record<string, MetricValue>;
  timestamp: number;
  properties?: Record<string, unknown>;
}): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    _aws: {
      Timestamp: args.timestamp,
      CloudWatchMetrics: [
        {
          Namespace: args.namespace,
          Dimensions: args.dimensionSets ?? [Object.keys(args.dimensions)],
          Metrics: Object.entries(args.metrics).map(([name, m]) => ({ Name: name, Unit: m.unit })),
        },
      ],
    },
    ...args.properties,
    ...args.dimensions,
  };
  for (const [name, m] of Object.entries(args.metrics)) doc[name] = m.value;
  return doc;
}

/**
 * `JSON.stringify(emfDocument(...))` for a document written once per batch with the same
 * namespace, dimensions and metrics: the parts that never change are serialized once, at
 * creation; each call adds the timestamp, the properties and the values. Properties must not
 * reuse a dimension's or a metric's name.
 *
 * @example
 * const write = emfWriter({ namespace: "DataPlatform/Streaming", dimensions: { DataProduct: "orders" },
 *   units: { Records: "Count" } });
 * write(Date.now(), { Records: 100 }, { shardId: "shardId-000000000000" });
 */
export function emfWriter(args: {
  namespace: string;
  dimensions: Record<string, string>;
  dimensionSets?: string[][];
  units: Record<string, MetricUnit>;
}): (timestamp: number, values: Record<string, number>, properties?: Record<string, unknown>) => string {
  const names = Object.keys(args.units);
  const metadata = JSON.stringify([
    {
      Namespace: args.namespace,
      Dimensions: args.dimensionSets ?? [Object.keys(args.dimensions)],
      Metrics: names.map((name) => ({ Name: name, Unit: args.units[name] })),
    },
  ]);
  const dimensions = Object.entries(args.dimensions)
    .map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join("");
  const reserved = new Set([...Object.keys(args.dimensions), ...names]);
  const keys = names.map((name) => `,${JSON.stringify(name)}:`);
  return (timestamp, values, properties) => {
    let out = `{"_aws":{"Timestamp":${JSON.stringify(timestamp)},"CloudWatchMetrics":${metadata}}`;
    if (properties) {
      for (const k of Object.keys(properties)) {
        if (reserved.has(k)) throw new TypeError(`EMF property ${k} is also a dimension or a metric`);
        const v = JSON.stringify(properties[k]);
        if (v !== undefined) out += `,${JSON.stringify(k)}:${v}`;
      }
    }
    out += dimensions;
    for (let i = 0; i < names.length; i++) {
      const v = values[names[i]];
      if (typeof v !== "number") throw new TypeError(`EMF metric ${names[i]} has no value`);
      out += keys[i] + JSON.stringify(v);
    }
    return `${out}}`;
  };
}
