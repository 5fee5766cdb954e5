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
