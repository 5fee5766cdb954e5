/*
 * Measures the replay's AWS code path offline: kinesalite + the loopback Lambda API in front of the
 * serialized stream processor (dynalite, s3rver), as in `aws.test.ts`, for a few parallelization
 * factors. Prints records per second; numbers, not assertions.
 *
 *   node --import tsx cli/replay/measure.ts [records=4000] [shards=2] [factors=1,4]
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defineClickstream } from "../../runtime/schemas";
import { type BuiltPackage, linkProvidedSdk } from "../../runtime/testing/deployed";
import {
  CREDENTIALS,
  createStream,
  createTable,
  putRecords,
  REGION,
  startEmulators,
} from "../../runtime/testing/emulators";
import { clickstreamEvent } from "../../runtime/testing/events";
import { LocalFunction } from "../local/functions";
import { replayOnAws } from "./aws";
import { type ApiMapping, startLambdaApi } from "./lambda-api";

async function main(): Promise<void> {
  const [records = 4000, shards = 2] = process.argv.slice(2, 4).map(Number);
  const factors = (process.argv[4] ?? "1,4").split(",").map(Number);
  const root = path.resolve(__dirname, "..", "..");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "replay-measure-"));
  const emu = await startEmulators({ buckets: ["dl"] });
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", "runtime/testing/deployed.ts", "build", "streamProcessor", path.join(work, "pkg")],
    { cwd: root, encoding: "utf8" },
  );
  const pkg = JSON.parse(out.trim().split("\n").at(-1)!) as BuiltPackage;
  linkProvidedSdk(path.join(work, "sdk"), [
    "@aws-sdk/client-dynamodb",
    "@aws-sdk/client-firehose",
    "@aws-sdk/client-s3",
  ]);
  const mappings: ApiMapping[] = [];
  const fn = new LocalFunction(
    {
      project: "measure",
      projectDir: root,
      urn: "urn:measure",
      name: "processor",
      handler: "__index.handler",
      timeoutSeconds: 60,
      memoryMb: 512,
      environment: { DATA_PRODUCT: "clickstream", TABLE_NAME: "clicks", DEAD_LETTER_BUCKET: "dl" },
      code: {},
    },
    pkg.dir,
    { ...emu.env(), NODE_PATH: path.join(work, "sdk", "node_modules") },
    Math.max(1, os.cpus().length),
    path.join(work, "processor.log"),
  );
  const api = await startLambdaApi([{ name: "processor", invoker: fn, mappings }], { region: REGION });
  const lambda = new LambdaClient({ region: REGION, endpoint: api.endpoint, credentials: CREDENTIALS });
  try {
    await createTable(emu.dynamodb, "clicks", defineClickstream().tableKey);
    process.stdout.write(
      `replay through the loopback Lambda API: ${records} records, ${shards} shards, batch 100, ${os.cpus().length} CPUs\n`,
    );
    // Warm-up (not measured): every container the largest factor needs is started once.
    const runs = [{ factor: Math.max(...factors), count: 400, name: "measure-warmup" }].concat(
      factors.map((f) => ({ factor: f, count: records, name: `measure-${f}` })),
    );
    for (const { factor, count, name } of runs) {
      const s = await createStream(emu.kinesis, name, shards);
      mappings.push({ uuid: name, eventSourceArn: s.arn, batchSize: 100, parallelizationFactor: factor });
      await putRecords(
        emu.kinesis,
        name,
        Array.from({ length: count }, (_, i) => ({
          data: JSON.stringify(clickstreamEvent(i)),
          partitionKey: `session-${i % 97}`,
        })),
      );
      const report = await replayOnAws({
        kinesis: emu.kinesis,
        lambda,
        stream: name,
        functionName: "processor",
        from: { type: "TRIM_HORIZON" },
        idleMs: 20,
      });
      if (name === "measure-warmup") continue;
      if (report.unprocessed.length) process.stdout.write(`  first error: ${report.unprocessed[0].error}\n`);
      const invokes = report.shards.reduce((n, r) => n + r.stats.invocations, 0);
      process.stdout.write(
        `  parallelization factor ${factor}: ${report.reprocessed} records, ${invokes} invokes in ${report.seconds.toFixed(2)} s = ${Math.round(report.reprocessed / report.seconds)} records/s (${report.unprocessed.length} not reprocessed)\n`,
      );
    }
  } finally {
    lambda.destroy();
    await api.close();
    await fn.stop();
    await emu.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
