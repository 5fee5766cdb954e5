/**
 * `npm run cost -- --env <dev|prod> [--json] [--plan-dir <dir>]`: the monthly estimate per stack
 * from the offline plan and `cost/prices.json`, itemised by resource. With `--plan-dir` it reads
 * the documents `npm run plan` wrote (or a real `pulumi preview --json` per project) instead of
 * evaluating again.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ENVIRONMENTS } from "../config/schema";
import type { PlanLike } from "../cost/estimate";
import { existingDirectory, parseCommandLine, UsageError } from "./args";
import { checkStackFiles } from "./stackFiles";

export const COST_USAGE = `usage: npm run cost -- --env <${ENVIRONMENTS.join("|")}> [--json] [--plan-dir <dir>]
      monthly estimate per stack, itemised by resource (cost/prices.json); --plan-dir reads
      <dir>/<project>.json preview documents instead of evaluating the projects again`;

/**
 * Preview documents of a directory (`<project>.json`), as plans of `stack`. A directory without
 * documents, or a file that is not JSON, is a `UsageError` naming it.
 */
export function readPlanDir(dir: string, stack: string): PlanLike[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  if (!files.length)
    throw new UsageError(
      `--plan-dir ${dir}: no <project>.json preview documents there (npm run plan -- --env ${stack} --out ${dir} writes them)`,
    );
  return files.map((f) => {
    const file = path.join(dir, f);
    let document: unknown;
    try {
      document = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      throw new UsageError(`${file}: not a JSON preview document (${(e as Error).message})`);
    }
    if (!document || typeof document !== "object" || !Array.isArray((document as { steps?: unknown }).steps))
      throw new UsageError(`${file}: not a preview document (no "steps" array)`);
    return {
      project: { name: path.basename(f, ".json") },
      stack,
      document: document as PlanLike["document"],
    };
  });
}

export async function cost(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(
    {
      args: argv,
      options: {
        env: { type: "string" },
        json: { type: "boolean" },
        "plan-dir": { type: "string" },
        help: { type: "boolean" },
      },
    },
    COST_USAGE,
  );
  if (values.help) {
    console.log(COST_USAGE);
    return 0;
  }
  const env = values.env;
  if (!env || !(ENVIRONMENTS as readonly string[]).includes(env)) {
    throw new UsageError(
      `--env must be one of ${ENVIRONMENTS.join(", ")} (got ${env ?? "nothing"})\n${COST_USAGE}`,
    );
  }
  let plans: PlanLike[];
  if (values["plan-dir"]) plans = readPlanDir(existingDirectory("plan-dir", values["plan-dir"]), env);
  else {
    for (const warning of checkStackFiles(env)) console.error(`warning: ${warning}`);
    plans = await (await import("../harness/evaluate")).evaluateProjects({ stack: env });
  }
  const { estimatePlans, formatEstimate } = await import("../cost/estimate");
  const estimates = estimatePlans(plans);
  console.log(values.json ? JSON.stringify(estimates, null, 2) : formatEstimate(estimates));
  return 0;
}
