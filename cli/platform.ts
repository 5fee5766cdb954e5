/**
 * The `platform` command behind the npm scripts: `plan` (offline evaluation of every project) and
 * `start` (the local run). Usage: `npm run plan -- --env <local|dev|prod> [--out <dir>] [--check]`.
 */
import * as path from "node:path";
import { ENVIRONMENTS } from "../config/schema";
import { outputDirectory, parseCommandLine, runCommand, UsageError } from "./args";
import { checkStackFiles, knownStacks } from "./stackFiles";

// The AWS SDK warns on Node < 22 that its releases after January 2027 need Node 22, once per process
// that creates a client. The platform supports Node ^20.19 || ^22.13 (package.json `engines`); the
// Lambdas and the API image run Node 22. Explained once in docs/deploying.md, silenced here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const USAGE = `usage:
  npm run plan -- --env <stack> [--out <dir>] [--check [--allow-placeholders]]
      evaluate every project offline for a stack (${ENVIRONMENTS.join(", ")}, or any Pulumi.<stack>.yaml of the
      platform), write <dir>/<project>.json; --check runs the policy pack over what it wrote
      (policies/prod.json for a prod-environment stack such as prod or dr, dev.json otherwise)
      and the fresh-account check (placeholders,
      allowedAccountIds, singletons, untraced ARNs); exit 1 on a mandatory violation or a finding
  npm start -- [--count <n>] [--keep]                    the whole platform locally on embedded emulators
  npm run local -- --domain <d> --file <f.ndjson> [--json]   exactly those records through the local platform
  npm run sample -- --domain <d> --count <n>             valid sample records, one JSON per line
  npm run replay -- --domain <d> --from <ISO|TRIM_HORIZON>   reprocess a stream through the current processor
      [--env dev|prod]: the deployed stream through the deployed processor (npm run replay -- --help)
  npm run graph -- --env <env> [--write]                 Mermaid diagram of projects, references, resources
  npm run capacity -- --records-per-second <n> --bytes-per-record <b>   shards, concurrency, table capacity
  npm run cost -- --env <env> [--json] [--plan-dir <dir>]   monthly estimate per stack, itemised by resource`;

/** The `plan` lines of the usage. */
const PLAN_USAGE = USAGE.split("\n").slice(0, 6).join("\n");

async function plan(argv: string[], defaultEnv?: string): Promise<number> {
  const { values } = parseCommandLine(
    {
      args: argv,
      options: {
        env: { type: "string" },
        out: { type: "string" },
        check: { type: "boolean" },
        "allow-placeholders": { type: "boolean" },
        help: { type: "boolean" },
      },
    },
    PLAN_USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const env = values.env ?? defaultEnv;
  const stacks = knownStacks();
  if (!env || !stacks.includes(env)) {
    throw new UsageError(
      `--env must be a stack of the platform project: one of ${stacks.join(", ")} (got ${env ?? "nothing"}; a new stack needs Pulumi.<stack>.yaml in every project)\n${PLAN_USAGE}`,
    );
  }
  const out = outputDirectory("out", values.out ?? path.join("out", "plan", env));
  // Stack files of every project: YAML errors with file and line, namespace typos, before evaluating.
  for (const warning of checkStackFiles(env)) console.error(`warning: ${warning}`);
  // Loaded once the arguments hold: the evaluation harness and the policy pack take seconds to load.
  const { formatPlanTable, freshAccountCheck, policyEnvironmentOf, runPlan } = await import("./plan");
  const { checkFiles, formatViolations } = await import("./check");
  console.log(`Evaluating every project offline for "${env}"...`);
  const { plans, files } = await runPlan({ env, out });
  console.log(formatPlanTable(plans));
  console.log(`\nWrote ${files.length} preview documents to ${path.relative(process.cwd(), out) || "."}/`);
  if (!values.check) return 0;
  const policyEnv = policyEnvironmentOf(env);
  console.log(`\nPolicy check (policies/${policyEnv}.json):`);
  const violations = await checkFiles(files, policyEnv);
  console.log(formatViolations(violations, files));
  const fresh = freshAccountCheck(plans, env, { allowPlaceholders: values["allow-placeholders"] });
  console.log(`\n${fresh.report}`);
  return violations.some((v) => v.enforcementLevel === "mandatory") || fresh.failing.length ? 1 : 0;
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case "plan":
      return plan(rest);
    // Each command's module is loaded only when it runs (start-up time is what a mistake costs).
    case "start":
      return (await import("./local/commands")).start(rest);
    case "local":
      return (await import("./local/commands")).local(rest);
    case "sample":
      return (await import("./local/commands")).sample(rest);
    case "replay":
      return (await import("./local/commands")).replay(rest);
    case "graph":
      return (await import("./local/graph")).graph(rest);
    case "capacity":
      return (await import("./local/capacity")).capacity(rest);
    case "cost":
      return (await import("./cost")).cost(rest);
    default:
      throw new UsageError(`${command ? `unknown command ${command}` : "no command"}\n${USAGE}`);
  }
}

// Errors of the platform's commands say what to do; the stack only helps when debugging (DEBUG=1).
runCommand(main, { plainErrors: (e) => e.name === "EvaluationError" });
