/** `npm run deploy` / `npm run destroy`: see `USAGE` in deploy.ts. */
import { AutomationRunner } from "./automation";
import {
  type Command,
  formatSummary,
  parseDeployArgs,
  PrerequisiteError,
  runDeploy,
  UsageError,
} from "./deploy";
import { plannedProjects } from "./plan-graph";

async function main(): Promise<number> {
  const [command, ...argv] = process.argv.slice(2);
  const args = parseDeployArgs(command as Command, argv);
  const summaries = await runDeploy(args, {
    runner: new AutomationRunner(),
    plan: (env) => plannedProjects(env),
    log: (line) => console.log(line),
  });
  console.log(`\n${formatSummary(summaries)}`);
  return summaries.every((s) => s.status === "succeeded") ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    const known = e instanceof UsageError || e instanceof PrerequisiteError;
    console.error(known ? (e as Error).message : e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
