/**
 * Pack configuration as `pulumi preview --policy-pack-config <file>` reads it: per policy either an
 * enforcement level or an object with `enforcementLevel` and the policy's own properties; `all`
 * sets the level of every policy that has no entry of its own.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EnforcementLevel, Policy } from "@pulumi/policy";
import { z } from "zod";
import { configWithDefaults } from "../lib/policy";

export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
const Level = z.enum(ENFORCEMENT_LEVELS);

export const PackConfigSchema = z.record(
  z.string(),
  z.union([Level, z.object({ enforcementLevel: Level.optional() }).catchall(z.unknown())]),
);
export type PackConfig = z.infer<typeof PackConfigSchema>;

/** The environments that have a config file beside the pack. */
export const POLICY_ENVIRONMENTS = ["dev", "prod"] as const;
export type PolicyEnvironment = (typeof POLICY_ENVIRONMENTS)[number];

export const POLICIES_DIR = path.resolve(__dirname, "..");

/** Reads and validates a pack config file; errors name the file and the key. */
export function readPackConfig(file: string): PackConfig {
  const text = fs.readFileSync(file, "utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`, { cause: e });
  }
  const parsed = PackConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** `policies/<env>.json`. */
export function packConfigFor(env: PolicyEnvironment): PackConfig {
  return readPackConfig(path.join(POLICIES_DIR, `${env}.json`));
}

function levelOf(entry: PackConfig[string] | undefined): EnforcementLevel | undefined {
  if (entry === undefined) return undefined;
  return typeof entry === "string" ? entry : (entry.enforcementLevel as EnforcementLevel | undefined);
}

/** The level a policy runs at: its own entry, then `all`, then the policy's default, then advisory. */
export function enforcementLevelOf(policy: Policy, config: PackConfig): EnforcementLevel {
  return levelOf(config[policy.name]) ?? levelOf(config.all) ?? policy.enforcementLevel ?? "advisory";
}

/**
 * What `args.getConfig()` returns once the Pulumi CLI has configured the analyzer: the policy's
 * config properties over the schema's defaults, without `enforcementLevel`.
 */
export function policyConfigOf(policy: Policy, config: PackConfig): Record<string, unknown> {
  const entry = config[policy.name];
  const given: Record<string, unknown> = {};
  if (entry && typeof entry === "object") {
    for (const [k, v] of Object.entries(entry)) if (k !== "enforcementLevel") given[k] = v;
  }
  return configWithDefaults(policy.configSchema, given);
}
