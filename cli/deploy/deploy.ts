import * as path from "node:path";
import { parseCommandLine, UsageError as CommandLineError } from "../args";
import { REPO_ROOT, type ProjectInfo } from "../../harness/projects";
import { deploymentLevels, selectLevels } from "./order";
import type { StackResult, StackRunner } from "./runner";

export type Command = "deploy" | "destroy";

export interface DeployArgs {
  readonly command: Command;
  readonly env: "dev" | "prod";
  readonly projects: string[];
  readonly preview: boolean;
  readonly yes: boolean;
  readonly refresh: boolean;
  readonly org?: string;
  readonly allowProdDestroy: boolean;
}

/** Bad command-line arguments; the message says what to type instead. */
export class UsageError extends CommandLineError {
  constructor(message: string) {
    super(`${message}\n\n${USAGE}`);
    this.name = "UsageError";
  }
}

export const USAGE = `usage:
  npm run deploy -- --env <dev|prod> [--project <name>...] [--preview] [--yes] [--refresh] [--org <org>]
  npm run destroy -- --env <dev|prod> [--project <name>...] --yes [--allow-prod-destroy] [--org <org>]`;

export function parseDeployArgs(command: Command, argv: string[]): DeployArgs {
  // Node's parser errors, worded by the shared helper, as this command's UsageError (usage appended).
  const parse = () => {
    try {
      return parseCommandLine(
        {
          args: argv,
          options: {
            env: { type: "string" },
            project: { type: "string", multiple: true },
            preview: { type: "boolean", default: false },
            yes: { type: "boolean", default: false },
            refresh: { type: "boolean", default: false },
            org: { type: "string" },
            "allow-prod-destroy": { type: "boolean", default: false },
          },
        },
        "",
      );
    } catch (e) {
      if (e instanceof CommandLineError) throw new UsageError(e.message.trim());
      throw e;
    }
  };
  const { values } = parse();
  const env = values.env;
  if (env === "local")
    throw new UsageError("--env local runs on the embedded emulators: use `npm start` instead");
  if (env !== "dev" && env !== "prod")
    throw new UsageError(`--env must be dev or prod (got ${env ?? "nothing"})`);
  if (command === "destroy" && values.preview)
    throw new UsageError("--preview is for deploy; destroy has no preview");
  if (!values.preview && !values.yes) {
    throw new UsageError(
      `${command} changes real infrastructure: pass --yes to go ahead, or --preview to only preview`,
    );
  }
  if (command === "destroy" && env === "prod" && !values["allow-prod-destroy"]) {
    throw new UsageError("refusing to destroy prod: pass --allow-prod-destroy as well if you really mean it");
  }
  return {
    command,
    env,
    projects: values.project ?? [],
    preview: values.preview,
    yes: values.yes,
    refresh: values.refresh,
    org: values.org,
    allowProdDestroy: values["allow-prod-destroy"],
  };
}

/** A project with the projects it reads, as the offline plan found them. */
export interface PlannedProject {
  readonly project: ProjectInfo;
  readonly dependsOn: string[];
}

export interface DeployDeps {
  readonly runner: StackRunner;
  /** The repository's projects, read from their `Pulumi.yaml` files (cheap: no program runs). */
  readonly projects: () => ProjectInfo[];
  /** The StackReference graph of `env`: the offline plan's references (see `plannedProjects`). */
  readonly plan: (env: string) => Promise<PlannedProject[]>;
  readonly log: (line: string) => void;
  readonly now?: () => number;
}

export interface StackSummary {
  readonly project: string;
  readonly stack: string;
  readonly operation: "preview" | "up" | "destroy";
  readonly status: "succeeded" | "failed" | "skipped";
  readonly durationMs: number;
  readonly changes: Record<string, number>;
  readonly outputs: Record<string, unknown>;
  readonly error?: string;
}

/**
 * Problems with the tools and credentials, found before any program is evaluated: the Pulumi CLI,
 * the Pulumi login and AWS credentials, each with what to do about it.
 */
export async function checkTools(runner: StackRunner): Promise<string[]> {
  if (!(await runner.pulumiCli())) {
    return ["Pulumi CLI not found: install it (https://www.pulumi.com/docs/install/) and put it on PATH."];
  }
  const problems: string[] = [];
  if (!(await runner.whoAmI()))
    problems.push("Not logged in to Pulumi: run `pulumi login` or set PULUMI_ACCESS_TOKEN.");
  if (!(await runner.awsCredentialSource())) {
    problems.push(
      "No AWS credentials: set AWS_PROFILE (after `aws sso login`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role is provided (OIDC).",
    );
  }
  return problems;
}

/** `--project` names that are not projects of the repository: a usage error naming the known ones. */
export function checkProjectNames(selected: readonly string[], projects: readonly ProjectInfo[]): void {
  const known = projects.map((p) => p.name);
  const unknown = selected.filter((s) => !known.includes(s));
  if (unknown.length) {
    throw new UsageError(
      `--project ${unknown.join(", ")}: no such project (known: ${[...known].sort().join(", ")})`,
    );
  }
}

/** Stacks of `env` that do not exist yet, each with the command that creates it. */
export async function checkStacks(
  runner: StackRunner,
  projects: ProjectInfo[],
  env: string,
  org: string | undefined,
): Promise<string[]> {
  const problems: string[] = [];
  for (const p of projects) {
    const stacks = await runner.listStacks(p.name, p.dir);
    const wanted = org ? `${org}/${env}` : env;
    const found = stacks.some((s) => s === env || s === wanted || s.endsWith(`/${env}`));
    if (!found) {
      const rel = path.relative(REPO_ROOT, p.dir) || ".";
      problems.push(
        `Stack ${env} of project ${p.name} is not initialised: cd ${rel} && pulumi stack init ${wanted}`,
      );
    }
  }
  return problems;
}

/**
 * Previews or updates every selected project in dependency order (parallel inside a level), or
 * destroys them in reverse order; stops at the first failure and returns one summary per stack.
 */
export async function runDeploy(args: DeployArgs, deps: DeployDeps): Promise<StackSummary[]> {
  const now = deps.now ?? Date.now;
  // Everything that needs no program evaluation first (the plan takes a minute or two), the
  // user's own arguments before the tools.
  checkProjectNames(args.projects, deps.projects());
  const tools = await checkTools(deps.runner);
  if (tools.length) throw new PrerequisiteError(tools);
  const planned = await deps.plan(args.env);
  const byName = new Map(planned.map((p) => [p.project.name, p.project]));
  let levels = selectLevels(
    deploymentLevels(planned.map((p) => ({ name: p.project.name, dependsOn: p.dependsOn }))),
    args.projects,
  );
  if (args.command === "destroy") levels = [...levels].reverse();
  const selected = levels.flat().map((n) => byName.get(n)!);

  const problems = await checkStacks(deps.runner, selected, args.env, args.org);
  if (problems.length) throw new PrerequisiteError(problems);

  const operation = args.command === "destroy" ? "destroy" : args.preview ? "preview" : "up";
  deps.log(`${operation} ${args.env}: ${levels.map((l) => l.join(" + ")).join("  ->  ")}`);
  const summaries: StackSummary[] = [];
  let failed = false;
  for (const level of levels) {
    if (failed) {
      for (const name of level) {
        summaries.push({
          project: name,
          stack: args.env,
          operation,
          status: "skipped",
          durationMs: 0,
          changes: {},
          outputs: {},
        });
      }
      continue;
    }
    const results = await Promise.all(
      level.map(async (name): Promise<StackSummary> => {
        const project = byName.get(name)!;
        const started = now();
        const op = {
          project: name,
          dir: project.dir,
          stack: args.org ? `${args.org}/${args.env}` : args.env,
          refresh: args.refresh,
          policyPack: path.join(REPO_ROOT, "policies"),
          policyConfig: path.join(REPO_ROOT, "policies", `${args.env}.json`),
          onOutput: (text: string) => {
            for (const line of text.split("\n")) if (line.trim()) deps.log(`[${name}] ${line}`);
          },
        };
        try {
          const result: StackResult = await deps.runner[operation](op);
          return {
            project: name,
            stack: op.stack,
            operation,
            status: "succeeded",
            durationMs: now() - started,
            ...result,
          };
        } catch (e) {
          const error = e instanceof Error ? e.message : String(e);
          deps.log(`[${name}] FAILED: ${error.split("\n")[0]}`);
          return {
            project: name,
            stack: op.stack,
            operation,
            status: "failed",
            durationMs: now() - started,
            changes: {},
            outputs: {},
            error,
          };
        }
      }),
    );
    summaries.push(...results);
    failed = results.some((r) => r.status === "failed");
  }
  return summaries;
}

export class PrerequisiteError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot start; fix these first:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PrerequisiteError";
  }
}

/** The summary table printed at the end of a run. */
export function formatSummary(summaries: StackSummary[]): string {
  const rows = summaries.map((s) => {
    const changes = Object.entries(s.changes)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
    const outputs = Object.keys(s.outputs).length ? `${Object.keys(s.outputs).length} outputs` : "";
    return [
      s.project,
      s.operation,
      s.status,
      `${(s.durationMs / 1000).toFixed(1)}s`,
      changes || "-",
      outputs,
    ];
  });
  const header = ["project", "operation", "status", "duration", "changes", "outputs"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
