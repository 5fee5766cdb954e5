import { KinesisClient } from "@aws-sdk/client-kinesis";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline/promises";
import { UsageError } from "../local/errors";
import { formatReplayReport, replayOnAws, type ReplayFrom } from "./aws";
import { resolveTarget, type TargetArgs } from "./target";

/*
 * `npm run replay -- --env <dev|prod> ...`: the replay against AWS. Credentials and region come from
 * the SDK's default chains (environment variables, profile, SSO, role; `AWS_REGION`/profile), and
 * endpoints may be overridden the SDK's way (`AWS_ENDPOINT_URL_KINESIS`, `AWS_ENDPOINT_URL_LAMBDA`).
 */

export interface AwsReplayArgs extends TargetArgs {
  readonly from: ReplayFrom;
  readonly fromText: string;
  readonly yes?: boolean;
  readonly batchSize?: string;
  readonly maxRetries?: string;
  readonly out?: string;
}

function positive(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} ${v}: an integer ≥ ${min}`);
  return n;
}

async function confirm(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** Replays the deployed stream of a domain through its deployed processor; exit code 1 if records remain unprocessed. */
export async function replayAgainstAws(args: AwsReplayArgs, say: (line: string) => void): Promise<number> {
  const batchSize = positive("batch-size", args.batchSize, 1);
  const maxRetries = positive("max-retries", args.maxRetries, 0) ?? 3;
  const target = resolveTarget(args);
  // HTTP/1.1 for Kinesis: GetRecords needs no HTTP/2, and emulators only speak HTTP/1.1.
  const kinesis = new KinesisClient({ requestHandler: new NodeHttpHandler() });
  const lambda = new LambdaClient({});
  try {
    try {
      await lambda.config.credentials();
    } catch (err) {
      throw new UsageError(
        `--env ${args.env}: no AWS credentials resolve (environment variables, profile, SSO, role): ${(err as Error).message}\n` +
          "sign in (e.g. aws sso login) and run again; without --env, replay reprocesses the local platform's streams",
      );
    }
    let region: string;
    try {
      region = await lambda.config.region();
    } catch {
      throw new UsageError(`--env ${args.env}: no AWS region: set AWS_REGION or a profile's region`);
    }
    say(
      `replay against AWS (${region}, stack ${args.stack ?? args.env}): stream ${target.stream} → function ${target.functionName} (names from ${target.source})`,
    );
    if (args.env === "prod" && !args.yes) {
      if (!process.stdin.isTTY)
        throw new UsageError(
          "--env prod: replaying a production stream needs --yes when not run from a terminal",
        );
      const answer = await confirm(
        `This reprocesses prod stream ${target.stream} from ${args.fromText} through ${target.functionName}. Type the stream name to go on: `,
      );
      if (answer !== target.stream) {
        say("not confirmed: nothing replayed");
        return 2;
      }
    }
    const report = await replayOnAws({
      kinesis,
      lambda,
      stream: target.stream,
      functionName: target.functionName,
      from: args.from,
      maxRetries,
      batchSize,
      say,
    });
    let file: string | undefined;
    if (report.unprocessed.length > 0) {
      const dir = path.resolve(args.out ?? path.join("out", "replay"));
      fs.mkdirSync(dir, { recursive: true });
      file = path.join(dir, `${target.stream}-${report.until.toISOString().replace(/[:.]/g, "-")}.ndjson`);
      fs.writeFileSync(file, report.unprocessed.map((u) => JSON.stringify(u)).join("\n") + "\n");
    }
    process.stdout.write(formatReplayReport(report, file && path.relative(process.cwd(), file)) + "\n");
    return report.unprocessed.length === 0 ? 0 : 1;
  } finally {
    kinesis.destroy();
    lambda.destroy();
  }
}
