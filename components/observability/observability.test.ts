import {
  alarmMetricArgs,
  alarmTopicPolicy,
  anyAlarmRule,
  budgetNotifications,
  dashboardBody,
  glueJobAlarmRules,
  LAYOUT,
  metricRow,
  pipelineAlarmRules,
  titleOf,
  warehouseAlarmRules,
} from ".";
import { pipelineMetrics } from "../streaming/metrics";
import type { ResolvedMetric } from "./dashboard";

const metric = (metricName: string, extra: Partial<ResolvedMetric> = {}): ResolvedMetric => ({
  namespace: "AWS/Lambda",
  metricName,
  dimensions: { FunctionName: "orders-processor-1a2b3c4" },
  statistic: "Sum",
  period: 60,
  ...extra,
});

type Widget = {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: {
    title?: string;
    region?: string;
    stat?: string;
    period?: number;
    metrics?: unknown[][];
    markdown?: string;
  };
};

describe("the dashboard body", () => {
  const body = JSON.parse(
    dashboardBody("eu-west-1", {
      orders: {
        processorErrors: metric("Errors"),
        processorDurationP99Ms: metric("Duration", { statistic: "p99" }),
        processorThrottles: metric("Throttles"),
        iteratorAgeMs: metric("GetRecords.IteratorAgeMilliseconds", {
          namespace: "AWS/Kinesis",
          dimensions: { StreamName: "orders-stream" },
          statistic: "Maximum",
        }),
      },
      warehouse: {
        cpuPercent: metric("CPUUtilization", {
          namespace: "AWS/Redshift",
          period: 300,
          statistic: "Average",
          dimensions: { ClusterIdentifier: "wh" },
        }),
      },
    }),
  ) as { widgets: Widget[] };

  it("has a header per section and one graph per metric with its statistic, period and region", () => {
    const [header, ...rest] = body.widgets;
    expect(header).toMatchObject({ type: "text", y: 0, width: 24, properties: { markdown: "## orders" } });
    const graphs = rest.filter((w) => w.type === "metric");
    expect(graphs).toHaveLength(5);
    const p99 = graphs.find((g) => g.properties.title === "orders: processor duration p99 ms")!;
    expect(p99.properties).toMatchObject({ region: "eu-west-1", stat: "p99", period: 60 });
    expect(p99.properties.metrics).toEqual([
      ["AWS/Lambda", "Duration", "FunctionName", "orders-processor-1a2b3c4", { stat: "p99", period: 60 }],
    ]);
    for (const g of graphs) expect(g.properties.region).toBe("eu-west-1");
  });

  it("lays graphs out three to a row without overlaps, sections one below the other", () => {
    const graphs = body.widgets.filter((w) => w.type === "metric");
    expect(graphs.slice(0, 4).map((g) => [g.x, g.y])).toEqual([
      [0, 1],
      [8, 1],
      [16, 1],
      [0, 7],
    ]);
    const warehouseHeader = body.widgets.find((w) => w.properties.markdown === "## warehouse")!;
    expect(warehouseHeader.y).toBe(1 + 2 * LAYOUT.widgetHeight);
    const cells = new Set<string>();
    for (const w of body.widgets)
      for (let x = w.x; x < w.x + w.width; x++)
        for (let y = w.y; y < w.y + w.height; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
  });

  it("orders dimensions by name so the rendered body is stable", () => {
    expect(metricRow(metric("X", { dimensions: { b: "2", a: "1" } }))).toEqual([
      "AWS/Lambda",
      "X",
      "a",
      "1",
      "b",
      "2",
      { stat: "Sum", period: 60 },
    ]);
    expect(titleOf("tableWriteLatencyMs")).toBe("table write latency ms");
  });
});

describe("alarms", () => {
  it("puts percentiles in extendedStatistic and basic statistics in statistic", () => {
    expect(alarmMetricArgs(metric("Duration", { statistic: "p99" }))).toMatchObject({
      extendedStatistic: "p99",
      period: 60,
    });
    expect(alarmMetricArgs(metric("Duration", { statistic: "p99" })).statistic).toBeUndefined();
    expect(alarmMetricArgs(metric("Errors"))).toMatchObject({ statistic: "Sum" });
  });

  it("rolls alarms up into one composite rule and refuses an empty one", () => {
    expect(anyAlarmRule(["arn:a", "arn:b"])).toBe('ALARM("arn:a") OR ALARM("arn:b")');
    expect(() => anyAlarmRule([])).toThrow("at least one alarm");
  });

  it("alarms on a pipeline's p99 duration, table latency and throttles at the configured thresholds", () => {
    const rules = pipelineAlarmRules(
      "orders",
      pipelineMetrics({
        dataProduct: "orders",
        streamName: "s",
        processorName: "f",
        tableName: "t",
        deliveryStreamName: "d",
      }),
      { processorDurationP99Ms: 5000, tableLatencyMs: 25 },
    );
    expect(Object.keys(rules).sort()).toEqual([
      "processor-duration",
      "stream-write-throttles",
      "table-latency",
      "table-write-throttles",
    ]);
    expect(rules["processor-duration"]).toMatchObject({ threshold: 5000, metric: { statistic: "p99" } });
    expect(rules["table-latency"]).toMatchObject({
      threshold: 25,
      metric: {
        metricName: "SuccessfulRequestLatency",
        dimensions: { TableName: "t", Operation: "BatchWriteItem" },
      },
    });
  });

  it("fires on an unhealthy warehouse even when the metric stops reporting", () => {
    const rules = warehouseAlarmRules(
      {
        cpuPercent: metric("CPUUtilization"),
        diskPercent: metric("PercentageDiskSpaceUsed"),
        healthStatus: metric("HealthStatus"),
      },
      { warehouseCpuPercent: 90, warehouseDiskPercent: 80 },
    );
    expect(rules["warehouse-health"]).toMatchObject({
      comparison: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
    });
  });

  it("says which key metric a component lacks", () => {
    expect(() => glueJobAlarmRules("etl", { other: metric("X") })).toThrow(
      'Glue job etl exposes no key metric "failedTasks" (has other)',
    );
  });
});

describe("notifications", () => {
  it("lets alarms, budgets and cost anomaly alerts of this account publish to the topic, over TLS only", () => {
    const policy = JSON.parse(alarmTopicPolicy("arn:topic", "123456789012"));
    expect(policy.Statement[0]).toMatchObject({
      Effect: "Allow",
      Principal: {
        Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "costalerts.amazonaws.com"],
      },
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
    });
    expect(policy.Statement[1]).toMatchObject({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("alerts on actual and forecast spend at each threshold", () => {
    const n = budgetNotifications([80, 100], [100], "arn:topic", ["ops@example.com"]);
    expect(n.map((x) => [x.notificationType, x.threshold, x.thresholdType])).toEqual([
      ["ACTUAL", 80, "PERCENTAGE"],
      ["ACTUAL", 100, "PERCENTAGE"],
      ["FORECASTED", 100, "PERCENTAGE"],
    ]);
    for (const x of n) {
      expect(x.subscriberSnsTopicArns).toEqual(["arn:topic"]);
      expect(x.subscriberEmailAddresses).toEqual(["ops@example.com"]);
    }
  });
});
