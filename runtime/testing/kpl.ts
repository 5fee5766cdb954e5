/**
 * KPL aggregated records built by AWS Labs' own aggregator (`aws-kinesis-agg`, a devDependency):
 * an independent encoder for testing the runtime's decoder.
 */
export function aggregateWithKpl(
  records: readonly { data: Buffer; partitionKey: string; explicitHashKey?: string }[],
): Promise<Buffer[]> {
  const agg = require("aws-kinesis-agg");
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    agg.aggregate(
      records.map((r) => ({
        data: r.data,
        partitionKey: r.partitionKey,
        ...(r.explicitHashKey ? { explicitHashKey: r.explicitHashKey } : {}),
      })),
      (encoded: { data: Buffer }, done: (err?: Error) => void) => {
        out.push(Buffer.from(encoded.data));
        done();
      },
      () => resolve(out),
      (err: Error) => reject(err),
    );
  });
}
