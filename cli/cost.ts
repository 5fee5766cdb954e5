/**
 * `npm run cost -- --env <dev|prod> [--json] [--plan-dir <dir>]`: the monthly estimate per stack
 * from the offline plan and `cost/prices.json`, itemised by resource. With `--plan-dir` it reads
 * the documents `npm run plan` wrote (or a real `pulumi preview --json` per project) instead of
 * evaluating again.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ENVIRONMENTS } from "../config/schema";
import { estimatePlans, formatEstimate, type PlanLike } from "../cost/estimate";
import { evaluateProjects } from "../harness/evaluate";

export const COST_USAGE = `usage: npm run cost -- --env <${ENVIRONMENTS.join("|")}> [--json] [--plan-dir <dir>]
      monthly estimate per stack, itemised by resource (cost/prices.json); --plan-dir reads
      <dir>/<project>.json preview documents instead of evaluating the projects again`;

/** Preview documents of a directory (`<project>.json`), as plans of `stack`. */
export function readPlanDir(dir: string, stack: string): PlanLike[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({
      project: { name: path.basename(f, ".json") },
      stack,
      document: JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")),
    }));
}

export async function cost(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      env: { type: "string" },
      json: { type: "boolean" },
      "plan-dir": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(COST_USAGE);
    return 0;
  }
  const env = values.env;
  if (!env || !(ENVIRONMENTS as readonly string[]).includes(env)) {
    console.error(`--env must be one of ${ENVIRONMENTS.join(", ")} (got ${env ?? "nothing"})\n${COST_USAGE}`);
    return 2;
  }
  const plans: PlanLike[] = values["plan-dir"]
    ? readPlanDir(path.resolve(values["plan-dir"]), env)
    : await evaluateProjects({ stack: env });
  const estimates = estimatePlans(plans);
  console.log(values.json ? JSON.stringify(estimates, null, 2) : formatEstimate(estimates));
  return 0;
}
