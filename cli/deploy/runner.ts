import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** What one stack operation reports back. */
export interface StackResult {
  /** Resource changes by operation (`create`, `update`, `delete`, `same`, ...). */
  readonly changes: Record<string, number>;
  readonly outputs: Record<string, unknown>;
}

export interface StackOperation {
  readonly project: string;
  readonly dir: string;
  /** Fully qualified stack name: `<org>/<stack>`. */
  readonly stack: string;
  readonly refresh: boolean;
  /** Policy pack directory and the environment's policy config, attached to previews and updates. */
  readonly policyPack: string;
  readonly policyConfig: string;
  readonly onOutput: (line: string) => void;
}

/**
 * The Pulumi operations the deploy command needs. The real implementation uses the Automation API
 * (`automation.ts`); tests replace it, since no Pulumi CLI exists where they run.
 */
export interface StackRunner {
  /** Path of the Pulumi CLI, or undefined when it is not installed. */
  pulumiCli(): Promise<string | undefined>;
  /** The logged-in user, or undefined when not logged in. */
  whoAmI(): Promise<string | undefined>;
  /** Where AWS credentials come from (env, profile, web identity), or undefined when there are none. */
  awsCredentialSource(): Promise<string | undefined>;
  /** Stack names (`org/stack` or `stack`) that exist for the project. */
  listStacks(project: string, dir: string): Promise<string[]>;
  preview(op: StackOperation): Promise<StackResult>;
  up(op: StackOperation): Promise<StackResult>;
  destroy(op: StackOperation): Promise<StackResult>;
}

/** Finds where AWS credentials would come from, the way the SDK's default chain looks, without calling AWS. */
export function awsCredentialSourceFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  home = os.homedir(),
): string | undefined {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return "environment variables";
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return "web identity (OIDC)";
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI)
    return "container credentials";
  const profile = env.AWS_PROFILE ?? "default";
  for (const file of [
    env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, ".aws", "credentials"),
    env.AWS_CONFIG_FILE ?? path.join(home, ".aws", "config"),
  ]) {
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, "utf8");
    const header =
      profile === "default"
        ? /^\[(profile )?default\]/m
        : new RegExp(`^\\[(profile )?${profile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\]`, "m");
    if (header.test(text)) return `profile "${profile}" in ${file}`;
  }
  return undefined;
}

/** The first executable called `command` along `PATH` (with `PATHEXT` on Windows), or undefined. */
export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const exts = process.platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD").split(";") : [""];
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const file = path.join(dir, command + ext);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        if (fs.statSync(file).isFile()) return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}
