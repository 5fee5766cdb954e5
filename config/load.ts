import { z } from "zod";
import { subnetOf16 } from "./cidr";
import { DEFAULTS, SUBNET_OFFSETS } from "./defaults";
import { ConfigError, type ConfigIssue } from "./errors";
import { ENVIRONMENTS, type Environment, type PlatformConfig, PlatformConfigSchema } from "./schema";

/** Namespace of the platform project's configuration keys (`data-platform:owner`, ...). */
export const PLATFORM_NAMESPACE = "data-platform";

/** Top-level keys whose values are plain strings; every other key holds JSON (numbers, booleans, maps). */
const STRING_KEYS = new Set([
  "repository",
  "branch",
  "policyPackName",
  "awsRoleArn",
  "environment",
  "accountId",
  "region",
  "drRegion",
  "owner",
  "costCenter",
  "platformStack",
  "dataClassification",
]);

type Plain = Record<string, unknown>;

function isPlain(v: unknown): v is Plain {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Recursively merges `over` onto `base`; arrays and scalars in `over` replace. */
export function deepMerge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isPlain(v) && isPlain(out[k]) ? deepMerge(out[k] as Plain, v) : v;
  }
  return out;
}

/**
 * Turns the raw strings Pulumi stores (`{"data-platform:network": "{\"azCount\":3}"}`) into values.
 * Keys of other namespaces are ignored; a value that is not valid JSON stays a string so the schema
 * reports it with the key's name.
 */
export function decodeRawConfig(all: Record<string, string>, namespace = PLATFORM_NAMESPACE): Plain {
  const out: Plain = {};
  const prefix = `${namespace}:`;
  for (const [fullKey, text] of Object.entries(all)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (STRING_KEYS.has(key)) {
      out[key] = text;
      continue;
    }
    try {
      out[key] = JSON.parse(text);
    } catch {
      out[key] = text;
    }
  }
  return out;
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

/** `data-platform:network.publicSubnetCidrs[1]` from a zod path. */
export function keyName(namespace: string, path: readonly PropertyKey[]): string {
  let key = `${namespace}:`;
  path.forEach((p, i) => {
    if (typeof p === "number") key += `[${p}]`;
    else key += i === 0 ? String(p) : `.${String(p)}`;
  });
  return key;
}

/** Converts zod issues into issues that name the key, the value received and what is allowed. */
export function toConfigIssues(error: z.ZodError, input: unknown, namespace: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) {
        const path = [...issue.path, k];
        issues.push({
          key: keyName(namespace, path),
          value: valueAt(input, path),
          allowed: "not a known key",
        });
      }
      continue;
    }
    const value = valueAt(input, issue.path);
    const allowed = value === undefined ? `required: ${issue.message}` : issue.message;
    issues.push({ key: keyName(namespace, issue.path), value, allowed });
  }
  return issues;
}

/**
 * Resolves the platform configuration of one stack: environment defaults, then the stack's values,
 * then derived subnet blocks; validated against the schema and the reference architecture's limits.
 *
 * @example
 * const cfg = resolvePlatformConfig({ owner: "data-team", costCenter: "cc-42" }, "dev");
 * cfg.network.privateSubnetCidrs; // ["10.0.10.0/24", "10.0.11.0/24"]
 */
export function resolvePlatformConfig(
  raw: Plain,
  stack: string,
  namespace = PLATFORM_NAMESPACE,
  source = `stack "${stack}"`,
): PlatformConfig {
  const environment = raw.environment ?? stack;
  if (typeof environment !== "string" || !(ENVIRONMENTS as readonly string[]).includes(environment)) {
    throw new ConfigError(source, [
      {
        key: `${namespace}:environment`,
        value: raw.environment,
        allowed: `one of ${ENVIRONMENTS.join(", ")} (required when the stack name "${stack}" is not one of them)`,
      },
    ]);
  }
  const env = environment as Environment;
  const merged = deepMerge(deepMerge(DEFAULTS.common, DEFAULTS[env]), { ...raw, environment: env });
  const network = isPlain(merged.network) ? { ...merged.network } : undefined;
  const derivationIssues: ConfigIssue[] = [];
  if (network) {
    const given = isPlain(raw.network) ? raw.network : {};
    for (const [tier, offset] of Object.entries(SUBNET_OFFSETS)) {
      if (given[tier] !== undefined) continue;
      const azCount = typeof network.azCount === "number" && network.azCount >= 1 ? network.azCount : 0;
      try {
        network[tier] = Array.from({ length: Math.min(azCount, 6) }, (_, i) =>
          subnetOf16(String(network.vpcCidr), offset, i),
        );
      } catch (e) {
        network[tier] = [];
        derivationIssues.push({
          key: `${namespace}:network.${tier}`,
          value: undefined,
          allowed: `required: ${(e as Error).message}`,
        });
      }
    }
    merged.network = network;
  }
  return parseConfig(PlatformConfigSchema, merged, namespace, source, derivationIssues);
}

/**
 * Validates already-decoded configuration against a schema; throws a `ConfigError` naming every
 * rejected key (`namespace:path`), its value and what is allowed.
 */
export function parseConfig<T extends z.ZodType>(
  schema: T,
  input: unknown,
  namespace: string,
  source: string,
  extraIssues: ConfigIssue[] = [],
): z.infer<T> {
  const parsed = schema.safeParse(input);
  const issues = [...extraIssues, ...(parsed.success ? [] : toConfigIssues(parsed.error, input, namespace))];
  if (issues.length > 0 || !parsed.success) throw new ConfigError(source, issues);
  return parsed.data;
}

/**
 * Namespaces a stack file may use besides the projects' own: the providers' (`aws:region`, ...) and
 * the extra namespaces programs read (`new pulumi.Config("delivery")` in the platform's index.ts).
 */
export const PROVIDER_NAMESPACES = ["aws", "awsx", "pulumi", "pulumiservice", "random"] as const;
export const PROGRAM_NAMESPACES = ["delivery"] as const;

/**
 * Edit distance (insertions, deletions, substitutions, adjacent transpositions) between two short
 * strings. Written out because this module runs inside the Pulumi program, whose production
 * dependencies are packaged into every inline Lambda.
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (__, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * One warning per configuration key whose namespace (the part before `:`) is none of `known`,
 * naming the key and, when one is close (edit distance ≤ 2, or ≤ a third of the name), the namespace
 * it was probably meant for. Pulumi passes such keys on silently and no program reads them.
 *
 * @example
 * namespaceWarnings(["data-platfrom:owner"], ["data-platform", "aws"]);
 * // ['data-platfrom:owner: unknown namespace "data-platfrom" — did you mean "data-platform:owner"?']
 */
export function namespaceWarnings(keys: readonly string[], known: readonly string[]): string[] {
  const warnings: string[] = [];
  for (const key of keys) {
    const colon = key.indexOf(":");
    if (colon < 0) continue;
    const ns = key.slice(0, colon);
    if (known.includes(ns)) continue;
    const [best] = known
      .map((k) => ({ k, d: editDistance(ns.toLowerCase(), k.toLowerCase()) }))
      .sort((x, y) => x.d - y.d || x.k.localeCompare(y.k));
    const close = best && best.d <= Math.max(2, Math.floor(ns.length / 3));
    warnings.push(
      `${key}: unknown namespace "${ns}" — ` +
        (close
          ? `did you mean "${best.k}${key.slice(colon)}"?`
          : `no project or provider reads it (known: ${[...known].sort().join(", ")})`),
    );
  }
  return warnings;
}

/**
 * The namespace warnings a program reports for the configuration Pulumi hands it (all keys of the
 * stack): known are its own project's namespace, the platform's, the providers' and the program
 * namespaces. The program logs them with `pulumi.log.warn`, so `pulumi preview`/`up` shows them.
 */
export function programNamespaceWarnings(all: Record<string, string>, project: string): string[] {
  return namespaceWarnings(Object.keys(all), [
    project,
    PLATFORM_NAMESPACE,
    ...PROVIDER_NAMESPACES,
    ...PROGRAM_NAMESPACES,
  ]).map((w) => `stack configuration: ${w}`);
}
