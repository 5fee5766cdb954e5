import { emfDocument, emfWriter, type MetricUnit } from "./emf";

describe("embedded metric format (Powertools Metrics)", () => {
  const dimensions = { DataProduct: "orders", FunctionName: 'fn-"quoted"' };
  const dimensionSets = [["DataProduct"], ["DataProduct", "FunctionName"]];
  const units: Record<string, MetricUnit> = { Records: "Count", IteratorLag: "Milliseconds" };
  const timestamp = Date.now();

  it("publishes exactly the dimension sets dashboards and alarms select on, with no service dimension", () => {
    const warned: string[] = [];
    const write = emfWriter({
      namespace: "DataPlatform/Streaming",
      dimensions,
      dimensionSets,
      units,
      warnings: { warn: (m) => warned.push(m) },
    });
    for (let batch = 0; batch < 2; batch++) {
      const line = write(timestamp, { Records: 100 + batch, IteratorLag: 1234.5 }, { shardId: "s-1" });
      expect(line).not.toContain("\n");
      expect(JSON.parse(line)).toEqual({
        _aws: {
          Timestamp: timestamp,
          CloudWatchMetrics: [
            {
              Namespace: "DataPlatform/Streaming",
              Dimensions: dimensionSets,
              Metrics: [
                { Name: "Records", Unit: "Count" },
                { Name: "IteratorLag", Unit: "Milliseconds" },
              ],
            },
          ],
        },
        shardId: "s-1",
        DataProduct: "orders",
        FunctionName: 'fn-"quoted"',
        Records: 100 + batch,
        IteratorLag: 1234.5,
      });
    }
    // No per-line Powertools warning (a dimension given in two sets would raise one per batch).
    expect(warned).toEqual([]);
  });

  it("builds one document the same way, one dimension set by default", () => {
    const doc = emfDocument({
      namespace: "DataPlatform/Streaming",
      dimensions: { DataProduct: "clickstream", Key: "/cart" },
      metrics: { WindowCount: { value: 3, unit: "Count" }, WindowSum: { value: 3, unit: "None" } },
      timestamp,
      properties: { windowStart: "2026-11-27T14:00:00Z" },
    }) as { _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] } };
    expect(doc._aws.CloudWatchMetrics[0].Dimensions).toEqual([["DataProduct", "Key"]]);
    expect(doc).toMatchObject({
      Key: "/cart",
      WindowCount: 3,
      WindowSum: 3,
      windowStart: "2026-11-27T14:00:00Z",
    });
  });

  it("refuses a property named like a dimension or a metric, and a metric without a value, and recovers", () => {
    const write = emfWriter({ namespace: "N", dimensions, units });
    expect(() => write(timestamp, { Records: 1, IteratorLag: 1 }, { Records: "2" })).toThrow(/Records/);
    expect(() => write(timestamp, { Records: 1 })).toThrow(/IteratorLag has no value/);
    // Nothing of a refused call leaks into the next line.
    expect(JSON.parse(write(timestamp, { Records: 5, IteratorLag: 0 }))).toMatchObject({ Records: 5 });
  });
});
