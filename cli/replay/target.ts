import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { discoverProjects, type ProjectInfo } from "../../harness/projects";
import { existingFile } from "../args";
import { UsageError } from "../local/errors";

/*
 * Which deployed stream and function a replay uses. In order of precedence:
 * 1. `--stream <name>` and `--function <name|arn>`;
 * 2. `--outputs <file.json>`: the domain stack's outputs as `pulumi stack output --json` prints them
 *    (`streamName`, `processorName`);
 * 3. the Pulumi CLI: `pulumi stack output --json --stack <--stack | env>` in the domain's project
 *    directory (the stack is `<env>` of the current organization unless `--stack org/project/env`).
 * A flag given with 2 or 3 overrides that output.
 */

export interface ReplayTarget {
  readonly stream: string;
  readonly functionName: string;
  /** Where the names came from, for the output. */
  readonly source: string;
}

export interface TargetArgs {
  readonly domain?: string;
  readonly env: string;
  readonly stream?: string;
  readonly function?: string;
  readonly outputs?: string;
  readonly stack?: string;
}

/** Runs the Pulumi CLI; returns its stdout (throws with `code: "ENOENT"` when it is not installed). */
export type PulumiRunner = (args: string[], cwd: string) => string;

const runPulumi: PulumiRunner = (args, cwd) =>
  execFileSync("pulumi", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

function fromOutputs(outputs: Record<string, unknown>, where: string): { stream?: string; fn?: string } {
  const pick = (k: string) => {
    const v = outputs[k];
    if (v !== undefined && typeof v !== "string")
      throw new UsageError(`${where}: output ${k} is ${JSON.stringify(v)}, not a name`);
    return v;
  };
  return { stream: pick("streamName"), fn: pick("processorName") };
}

/** Resolves the replay's stream and processor function. */
export function resolveTarget(
  args: TargetArgs,
  pulumi: PulumiRunner = runPulumi,
  projects: () => ProjectInfo[] = discoverProjects,
): ReplayTarget {
  if (args.stream && args.function)
    return { stream: args.stream, functionName: args.function, source: "--stream/--function" };
  let found: { stream?: string; fn?: string };
  let source: string;
  if (args.outputs) {
    existingFile("outputs", args.outputs);
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(args.outputs, "utf8"));
    } catch (err) {
      throw new UsageError(`--outputs ${args.outputs}: not JSON (${(err as Error).message})`);
    }
    if (parsed === null || typeof parsed !== "object")
      throw new UsageError(
        `--outputs ${args.outputs}: expected the object \`pulumi stack output --json\` prints`,
      );
    found = fromOutputs(parsed as Record<string, unknown>, `--outputs ${args.outputs}`);
    source = args.outputs;
  } else {
    if (!args.domain)
      throw new UsageError(
        "--domain <project> is required (or --stream and --function, or --outputs <file>)",
      );
    const project = projects().find((p) => p.name === args.domain);
    if (!project) {
      throw new UsageError(
        `--domain ${args.domain}: no such project (${projects()
          .map((p) => p.name)
          .join(", ")})`,
      );
    }
    const stack = args.stack ?? args.env;
    let text: string;
    try {
      text = pulumi(["stack", "output", "--json", "--stack", stack], project.dir);
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === "ENOENT") {
        throw new UsageError(
          "the Pulumi CLI is not installed: pass --stream <name> and --function <name>, or --outputs <file> " +
            "with the domain stack's `pulumi stack output --json`",
        );
      }
      throw new UsageError(
        `pulumi stack output --stack ${stack} (in ${project.dir}) failed: ${(e.stderr || e.message).trim()}`,
      );
    }
    found = fromOutputs(JSON.parse(text) as Record<string, unknown>, `stack ${stack} of ${project.name}`);
    source = `pulumi stack output --stack ${stack} (${project.name})`;
  }
  const stream = args.stream ?? found.stream;
  const functionName = args.function ?? found.fn;
  if (!stream || !functionName) {
    throw new UsageError(
      `${source} has no ${!stream ? "streamName" : "processorName"} output: pass --${!stream ? "stream" : "function"} <name>`,
    );
  }
  return { stream, functionName, source };
}
