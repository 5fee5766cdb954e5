import { integerOption, parseCommandLine, UsageError } from "../args";
import { LIMITS } from "../../config/limits";
import { bindingLimit, shardsFor } from "../../components/streaming/sizing";

/*
 * `npm run capacity`: what a throughput needs — shards (components/streaming/sizing.ts, the same
 * function the Pipeline sizes provisioned streams with), Lambda concurrency and DynamoDB capacity —
 * against the reference architecture's limits (config/limits.ts), with the reasoning.
 */

export interface CapacityInput {
  readonly recordsPerSecond: number;
  readonly bytesPerRecord: number;
  /** Batches per shard processed concurrently (event source mapping). Default 1. */
  readonly parallelizationFactor?: number;
}

export interface CapacityPlan {
  readonly shards: number;
  readonly binding: "records" | "bytes";
  readonly concurrency: number;
  readonly writeUnits: number;
  readonly readUnitsStronglyConsistent: number;
  readonly problems: string[];
  readonly reasoning: string[];
}

const n = (x: number) => x.toLocaleString("en-US");

export function capacityPlan(input: CapacityInput): CapacityPlan {
  const { recordsPerSecond: rps, bytesPerRecord: size } = input;
  const pf = input.parallelizationFactor ?? 1;
  const bytesPerSecond = rps * size;
  const shards = shardsFor({ recordsPerSecond: rps, bytesPerSecond });
  const binding = bindingLimit({ recordsPerSecond: rps, bytesPerSecond });
  const concurrency = shards * pf;
  // One write unit per 1 KB (rounded up) per item written per second.
  const writeUnits = Math.ceil(rps * Math.ceil(size / 1024));
  const readUnitsStronglyConsistent = Math.ceil(rps * Math.ceil(size / 4096));
  const problems: string[] = [];
  if (size > LIMITS.kinesisMaxRecordBytes)
    problems.push(
      `a ${n(size)}-byte record exceeds the Kinesis record limit of ${n(LIMITS.kinesisMaxRecordBytes)} bytes`,
    );
  if (size > LIMITS.dynamodbMaxItemBytes)
    problems.push(
      `a ${n(size)}-byte item exceeds the DynamoDB item limit of ${n(LIMITS.dynamodbMaxItemBytes)} bytes: store the payload in S3 and a pointer in the table`,
    );
  if (concurrency > LIMITS.lambdaConcurrentExecutions)
    problems.push(
      `${n(concurrency)} concurrent executions exceed the account limit of ${n(LIMITS.lambdaConcurrentExecutions)} (soft: request an increase, or lower the parallelization factor)`,
    );
  if (writeUnits > LIMITS.dynamodbMaxCapacityUnits)
    problems.push(
      `${n(writeUnits)} WCU exceed the ${n(LIMITS.dynamodbMaxCapacityUnits)} per-table limit: shard the data product over several tables or batch items`,
    );
  const reasoning = [
    `throughput: ${n(rps)} records/s × ${n(size)} bytes = ${n(bytesPerSecond)} bytes/s`,
    `shards: a shard takes ${n(LIMITS.kinesisRecordsPerSecondPerShard)} records/s and ${n(LIMITS.kinesisBytesPerSecondPerShard)} bytes/s of writes; ` +
      `ceil(${n(rps)} / ${n(LIMITS.kinesisRecordsPerSecondPerShard)}) = ${Math.ceil(rps / LIMITS.kinesisRecordsPerSecondPerShard)} by records, ` +
      `ceil(${n(bytesPerSecond)} / ${n(LIMITS.kinesisBytesPerSecondPerShard)}) = ${Math.ceil(bytesPerSecond / LIMITS.kinesisBytesPerSecondPerShard)} by bytes → ${shards} (bound by ${binding})`,
    `Lambda: one concurrent batch per shard × parallelization factor ${pf} = ${n(concurrency)} concurrent executions (limit ${n(LIMITS.lambdaConcurrentExecutions)})`,
    `DynamoDB: one item per record, ceil(${n(size)} / 1,024) WCU each → ${n(writeUnits)} WCU; reads of each item once per second ceil(${n(size)} / 4,096) RCU → ${n(readUnitsStronglyConsistent)} RCU strongly consistent (half eventually consistent); per-table limit ${n(LIMITS.dynamodbMaxCapacityUnits)}`,
  ];
  return { shards, binding, concurrency, writeUnits, readUnitsStronglyConsistent, problems, reasoning };
}

export async function capacity(argv: string[]): Promise<number> {
  const usage =
    "usage: npm run capacity -- --records-per-second <n> --bytes-per-record <b> [--parallelization-factor <1-10>]";
  const { values } = parseCommandLine(
    {
      args: argv,
      options: {
        "records-per-second": { type: "string" },
        "bytes-per-record": { type: "string" },
        "parallelization-factor": { type: "string" },
      },
    },
    usage,
  );
  const num = (name: string, v: string | undefined, min: number) => {
    const x = v === undefined || v.trim() === "" ? NaN : Number(v);
    if (!Number.isFinite(x) || x < min) {
      throw new UsageError(`--${name} ${v ?? "(missing)"}: a number ≥ ${min}\n${usage}`);
    }
    return x;
  };
  const plan = capacityPlan({
    recordsPerSecond: num("records-per-second", values["records-per-second"], 0),
    bytesPerRecord: num("bytes-per-record", values["bytes-per-record"], 1),
    // A Kinesis event source mapping takes 1 to 10 concurrent batches per shard.
    parallelizationFactor: integerOption(
      "parallelization-factor",
      values["parallelization-factor"],
      { min: 1, max: 10 },
      1,
    ),
  });
  const lines = [
    `Kinesis shards          ${plan.shards}`,
    `Lambda concurrency      ${n(plan.concurrency)}`,
    `DynamoDB write capacity ${n(plan.writeUnits)} WCU (on-demand absorbs it; provisioned needs this much)`,
    `DynamoDB read capacity  ${n(plan.readUnitsStronglyConsistent)} RCU for one strongly consistent read per item per second`,
    "",
    "Reasoning:",
    ...plan.reasoning.map((r) => `  - ${r}`),
    "",
    plan.problems.length ? "Over the limits:" : "Within every limit of the reference architecture.",
    ...plan.problems.map((p) => `  - ${p}`),
  ];
  process.stdout.write(lines.join("\n") + "\n");
  return plan.problems.length ? 1 : 0;
}
