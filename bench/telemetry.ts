/*
 * CPU cost of the package's per-batch telemetry, in isolation: the Powertools Logger line the
 * stream processor writes per batch ("batch processed" with the batch counters) and the
 * Powertools Metrics EMF line, built as `runtime/telemetry` builds them, written to a discarded
 * stdout. Microseconds of CPU per batch (= per line).
 *
 *   npx tsx bench/telemetry.ts [--lines 20000]
 */
import { METRIC_UNITS, emfWriter, type MetricUnit } from "../runtime/telemetry/emf";
import { lambdaTelemetry } from "../runtime/telemetry/powertools";

const i = process.argv.indexOf("--lines");
const LINES = i >= 0 ? Number(process.argv[i + 1]) : 20_000;

function cpuMicros(run: () => void): number {
  const start = process.cpuUsage();
  for (let n = 0; n < LINES; n++) run();
  const d = process.cpuUsage(start);
  return (d.user + d.system) / LINES;
}

function main(): void {
  const telemetry = lambdaTelemetry({
    serviceName: "bench-orders-processor",
    level: "info",
    base: { dataProduct: "orders", functionName: "bench-orders-processor" },
  });
  telemetry.addContext({ getRemainingTimeInMillis: () => 60_000, awsRequestId: "bench" });
  const stats = {
    records: 100,
    userRecords: 100,
    aggregated: 0,
    poison: 1,
    deadLettered: 1,
    stored: 99,
    duplicates: 0,
    delivered: 99,
    featured: 0,
    retried: 0,
    failed: 0,
    iteratorLagMs: 5,
  };
  const names = ["Records", "UserRecords", "PoisonRecords", "DeadLettered", "Stored", "Duplicates"];
  const units: Record<string, MetricUnit> = {};
  for (const n of [...names, "Delivered", "Retried", "FailedRecords"]) units[n] = METRIC_UNITS.count;
  units.IteratorLag = METRIC_UNITS.milliseconds;
  const emf = emfWriter({
    namespace: "DataPlatform/Streaming",
    dimensions: { DataProduct: "orders", FunctionName: "bench-orders-processor" },
    dimensionSets: [["DataProduct"], ["DataProduct", "FunctionName"]],
    units,
  });
  const values = Object.fromEntries(Object.keys(units).map((k, n) => [k, n]));
  const write = process.stdout.write.bind(process.stdout);
  // Both lines go to stdout in Lambda; here they are discarded, so only building them is timed.
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const rounds: { log: number; emf: number }[] = [];
  for (let r = 0; r < 3; r++)
    rounds.push({
      log: cpuMicros(() =>
        telemetry.logger.log("info", "batch processed", {
          shardId: "shardId-000000000000",
          awsRequestId: "bench",
          dataProduct: "orders",
          ...stats,
        }),
      ),
      emf: cpuMicros(() =>
        telemetry.writeMetrics(
          emf(Date.now(), values, { shardId: "shardId-000000000000", awsRequestId: "bench" }),
        ),
      ),
    });
  process.stdout.write = write;
  const last = rounds[rounds.length - 1];
  write(
    `µs of CPU per batch (last of 3 rounds of ${LINES}): Logger line ${last.log.toFixed(1)}, EMF line ${last.emf.toFixed(1)}\n`,
  );
}

main();
