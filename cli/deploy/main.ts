/**
 * `npm run deploy` / `npm run destroy`: see `USAGE` in deploy.ts.
 *
 * Start-up order matters: arguments, then the Pulumi CLI, login, AWS credentials and `--project`
 * names are checked before the offline plan (which evaluates every program, a minute or more) is
 * even loaded, so a missing tool or a typo is reported within a second or two, with exit code 2.
 */
import { runCommand } from "../args";
import { checkStackFiles } from "../stackFiles";
import { type Command, formatSummary, parseDeployArgs, runDeploy, UsageError } from "./deploy";
import { AutomationRunner } from "./automation";
import { discoverProjects } from "../../harness/projects";

// The AWS SDK's Node < 22 support warning, explained once in docs/deploying.md.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

async function main(): Promise<number> {
  const [command, ...argv] = process.argv.slice(2);
  if (command !== "deploy" && command !== "destroy") throw new UsageError(`unknown command ${command}`);
  const args = parseDeployArgs(command as Command, argv);
  // Stack files first: a YAML error names file and line (exit 2), a namespace typo is a warning.
  for (const warning of checkStackFiles(args.env)) console.error(`warning: ${warning}`);
  const summaries = await runDeploy(args, {
    runner: new AutomationRunner(),
    projects: () => discoverProjects(),
    // Loaded only once the prerequisites hold: it pulls in the whole evaluation harness.
    plan: async (env) => (await import("./plan-graph")).plannedProjects(env),
    log: (line) => console.log(line),
  });
  console.log(`\n${formatSummary(summaries)}`);
  return summaries.every((s) => s.status === "succeeded") ? 0 : 1;
}

// A user's mistake or a missing tool gets its message and exit code 2, never a stack trace.
runCommand(main);
