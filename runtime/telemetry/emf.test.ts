import { emfDocument, emfWriter, type MetricUnit } from "./emf";

describe("embedded metric format", () => {
  const dimensions = { DataProduct: "orders", FunctionName: 'fn-"quoted"' };
  const dimensionSets = [["DataProduct"], ["DataProduct", "FunctionName"]];
  const units: Record<string, MetricUnit> = { Records: "Count", IteratorLag: "Milliseconds" };

  it.each([
    [
      { Records: 100, IteratorLag: 1234.5 },
      { shardId: "shardId-000000000001", awsRequestId: "req-1" },
    ],
    [{ Records: 0, IteratorLag: 0 }, undefined],
    [
      { Records: 3, IteratorLag: Number.NaN },
      { shardId: "s", skipped: undefined, nested: { a: [1] } },
    ],
  ])("writes the same line as JSON.stringify(emfDocument(...)) (%j, %j)", (values, properties) => {
    const write = emfWriter({ namespace: "DataPlatform/Streaming", dimensions, dimensionSets, units });
    const expected = JSON.stringify(
      emfDocument({
        namespace: "DataPlatform/Streaming",
        dimensions,
        dimensionSets,
        timestamp: 1_764_244_800_000,
        metrics: Object.fromEntries(
          Object.entries(values).map(([name, value]) => [name, { value, unit: units[name] }]),
        ),
        ...(properties ? { properties } : {}),
      }),
    );
    expect(write(1_764_244_800_000, values, properties)).toBe(expected);
  });

  it("refuses a property named like a dimension or a metric, and a metric without a value", () => {
    const write = emfWriter({ namespace: "N", dimensions, units });
    expect(() => write(0, { Records: 1, IteratorLag: 1 }, { Records: 2 })).toThrow(/Records/);
    expect(() => write(0, { Records: 1 })).toThrow(/IteratorLag has no value/);
  });
});
