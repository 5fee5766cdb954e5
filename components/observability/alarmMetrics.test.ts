/**
 * Every alarm the dev and prod plans create watches a metric AWS (or the runtime) actually publishes,
 * under the dimensions it is published with: otherwise the alarm sits in INSUFFICIENT_DATA and never
 * fires. The table of metrics is data in the repository (data/aws-metrics.json, from AWS docs).
 */
import { planFor, resourcesOf } from "../../harness/testing";
import { alarmMetricProblems, awsMetricTable } from "./alarmMetrics";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

describe("the alarm metric checker", () => {
  it("accepts a metric under a documented dimension set and refuses what AWS never publishes", () => {
    expect(
      alarmMetricProblems({
        namespace: "AWS/ElastiCache",
        metricName: "EngineCPUUtilization",
        dimensions: { CacheClusterId: "rg-001" },
      }),
    ).toEqual([]);
    expect(
      alarmMetricProblems({
        namespace: "AWS/ElastiCache",
        metricName: "EngineCPUUtilization",
        dimensions: { ReplicationGroupId: "rg" },
      }),
    ).toEqual([
      "AWS/ElastiCache EngineCPUUtilization is published with dimensions {CacheClusterId} or {CacheClusterId, CacheNodeId}, not {ReplicationGroupId}",
    ]);
    expect(
      alarmMetricProblems({
        namespace: "AWS/DynamoDB",
        metricName: "SuccessfulRequestLatency",
        dimensions: { TableName: "t", Operation: "BatchPutItem" },
      }),
    ).toEqual([expect.stringMatching(/Operation = "BatchPutItem" is not one of PutItem, /)]);
    expect(alarmMetricProblems({ namespace: "AWS/Kinesis", metricName: "IteratorAge" })).toEqual([
      'AWS/Kinesis publishes no metric "IteratorAge"',
    ]);
  });

  it("cites a source for every namespace of the table", () => {
    for (const [ns, entry] of Object.entries(awsMetricTable().namespaces))
      expect([ns, entry.source]).toEqual([
        ns,
        expect.stringMatching(/^(https:\/\/docs\.aws\.amazon\.com\/|runtime\/)/),
      ]);
  });
});

describe.each(["dev", "prod"])("alarms of the %s plans", (stack) => {
  const load = async () => {
    const plans = await planFor(stack);
    return { plans, alarms: plans.flatMap((p) => resourcesOf(p, ALARM)) };
  };

  it("watch only metrics published under the dimensions they use", async () => {
    const { alarms } = await load();
    expect(alarms.length).toBeGreaterThan(20);
    const problems = alarms.flatMap((a) =>
      alarmMetricProblems(a.inputs as never).map((p) => `${a.urn.split("::").pop()}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it("watch the serving-table latency of the operation the processor calls (orders: conditional PutItem)", async () => {
    const { alarms } = await load();
    const dims = (a: (typeof alarms)[number]) => a.inputs.dimensions as Record<string, string>;
    const latency = alarms.filter((a) => a.inputs.metricName === "SuccessfulRequestLatency");
    expect(latency.length).toBeGreaterThanOrEqual(2);
    for (const a of latency) {
      // The pipeline's own throttle alarm names the operation its processor uses on the same table.
      const throttles = alarms.find(
        (t) => t.inputs.metricName === "ThrottledRequests" && dims(t).TableName === dims(a).TableName,
      )!;
      expect([a.urn, dims(a).Operation]).toEqual([a.urn, dims(throttles).Operation]);
    }
    const orders = latency.filter((a) => a.urn.includes("orders"));
    expect(orders.length).toBeGreaterThan(0);
    for (const a of orders) expect(dims(a).Operation).toBe("PutItem");
  });

  it("watch CPU and memory of every Redis node, not only the first", async () => {
    const { plans, alarms } = await load();
    const groups = plans.flatMap((p) => resourcesOf(p, "aws:elasticache/replicationGroup:ReplicationGroup"));
    expect(groups.length).toBe(1);
    for (const g of groups) {
      const nodes = Number(g.inputs.numCacheClusters);
      const watched = (metric: string) =>
        alarms
          .filter((a) => a.inputs.namespace === "AWS/ElastiCache" && a.inputs.metricName === metric)
          .map((a) => (a.inputs.dimensions as Record<string, string>).CacheClusterId)
          .sort();
      const expected = Array.from({ length: nodes }, (_, i) => `${g.id}-${String(i + 1).padStart(3, "0")}`);
      expect(watched("EngineCPUUtilization")).toEqual(expected);
      expect(watched("DatabaseMemoryUsagePercentage")).toEqual(expected);
    }
  });
});
