/**
 * The typed wrapper every policy of the pack is written with. A policy is a plain
 * `ResourceValidationPolicy` or `StackValidationPolicy` (what `new PolicyPack` serves and Pulumi
 * Cloud enforces) plus `meta`: its concern, FSBP controls, resource types and rule ids, which the
 * offline runner, the meta-test and the README table read.
 *
 * Each rule is one check that returns the violation message (what to change) or nothing. Rules
 * read resource properties through the analyzer's unknown-checking proxy: reading a value that is
 * unknown during preview throws, and the wrapper turns that into an advisory "cannot verify"
 * diagnostic for that rule only, so value checks never pass silently on unknowns. Presence checks
 * use `present()` (values.ts), which treats an unknown as present.
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyProviderResource,
  PolicyResource,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationPolicy,
} from "@pulumi/policy";
import { UnknownValueError } from "./analyzer";

export const CONCERNS = [
  "encryption-at-rest",
  "encryption-in-transit",
  "tagging",
  "network-exposure",
  "iam",
  "logging-audit",
  "resilience",
  "kms",
  "cost",
] as const;
export type Concern = (typeof CONCERNS)[number];

/** The compliance framework recorded in every policy's `framework` metadata. */
export const FSBP_FRAMEWORK = { name: "AWS Foundational Security Best Practices", version: "1.0.0" } as const;

/** What the README table and the meta-test read about a policy. */
export interface PlatformPolicyMeta {
  readonly kind: "resource" | "stack";
  readonly concern: Concern;
  /** FSBP control ids (`S3.17`), empty when no control matches. */
  readonly fsbp: readonly string[];
  /** Types the rules look at (the subjects). */
  readonly resourceTypes: readonly string[];
  /** Other types a stack policy reads (companion resources, parents). */
  readonly relatedTypes: readonly string[];
  /** Rule ids; a violation message starts with `[rule-id]`. */
  readonly rules: readonly string[];
}

export type PlatformResourcePolicy = ResourceValidationPolicy & { readonly meta: PlatformPolicyMeta };
export type PlatformStackPolicy = StackValidationPolicy & { readonly meta: PlatformPolicyMeta };
export type PlatformPolicy = PlatformResourcePolicy | PlatformStackPolicy;

/** A violation or diagnostic as the analyzer accepts it (the object form is what unknowns use). */
export interface Diagnostic {
  readonly message: string;
  readonly urn?: string;
  readonly enforcementLevel?: EnforcementLevel;
}

/** What a resource rule sees. */
export interface ResourceSubject {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  /** The resource's inputs behind the unknown-checking proxy. */
  readonly props: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly provider?: PolicyProviderResource;
  readonly config: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** What a stack rule sees: one subject resource and every resource of the stack. */
export interface StackSubject {
  readonly resource: PolicyResource;
  readonly resources: PolicyResource[];
  readonly config: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Rule<S> {
  readonly id: string;
  /** Returns what to change, or `undefined` when the subject complies. */
  readonly check: (subject: S) => string | undefined;
}

interface CommonArgs<S> {
  /** kebab-case. */
  readonly name: string;
  /** One sentence. */
  readonly description: string;
  readonly severity: Severity;
  readonly concern: Concern;
  readonly fsbp?: readonly string[];
  /** How to fix a violation, in one or two sentences. */
  readonly remediationSteps: string;
  /** Level when the pack config does not set one. */
  readonly enforcementLevel?: EnforcementLevel;
  readonly resourceTypes: readonly string[];
  readonly configSchema?: PolicyConfigSchema;
  readonly rules: readonly Rule<S>[];
}

function framework(args: { fsbp?: readonly string[]; description: string }) {
  if (!args.fsbp?.length) return undefined;
  return { ...FSBP_FRAMEWORK, reference: args.fsbp.join(", "), specification: args.description };
}

function common<S>(args: CommonArgs<S>, kind: "resource" | "stack", relatedTypes: readonly string[] = []) {
  const fw = framework(args);
  return {
    name: args.name,
    description: args.description,
    severity: args.severity,
    enforcementLevel: args.enforcementLevel ?? "mandatory",
    remediationSteps: args.remediationSteps,
    tags: [args.concern],
    ...(fw ? { framework: fw } : {}),
    ...(args.configSchema ? { configSchema: args.configSchema } : {}),
    meta: {
      kind,
      concern: args.concern,
      fsbp: args.fsbp ?? [],
      resourceTypes: args.resourceTypes,
      relatedTypes,
      rules: args.rules.map((r) => r.id),
    } satisfies PlatformPolicyMeta,
  };
}

/**
 * The policy's config: the schema's defaults overlaid with what the analyzer passes. The analyzer
 * returns `{}` when the pack runs without a config file, so policies never rely on it for defaults.
 */
export function configWithDefaults(
  schema: PolicyConfigSchema | undefined,
  given: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, prop] of Object.entries(schema?.properties ?? {})) {
    const d = (prop as { default?: unknown }).default;
    if (d !== undefined) out[k] = JSON.parse(JSON.stringify(d));
  }
  for (const [k, v] of Object.entries(given ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

/** Applies a rule, turning a read of an unknown value into an advisory "cannot verify" diagnostic. */
function applyRule<S>(rule: Rule<S>, subject: S, urn: string, report: ReportViolation): void {
  let message: string | undefined;
  try {
    message = rule.check(subject);
  } catch (e) {
    if (!(e instanceof UnknownValueError)) throw e;
    const diagnostic: Diagnostic = {
      message: `[${rule.id}] cannot verify during preview: ${e.message}; the rule runs again on update`,
      urn,
      enforcementLevel: "advisory",
    };
    // The analyzer accepts the object form (it is how it reports unknowns itself); the typings only name the string form.
    (report as unknown as (d: Diagnostic) => void)(diagnostic);
    return;
  }
  if (message) report(`[${rule.id}] ${message}`, urn);
}

export interface ResourcePolicyArgs extends CommonArgs<ResourceSubject> {
  readonly remediate?: (subject: ResourceSubject) => Record<string, unknown> | undefined;
}

/** A policy over single resources: one `validateResource` entry per rule. */
export function resourcePolicy(args: ResourcePolicyArgs): PlatformResourcePolicy {
  const types = new Set(args.resourceTypes);
  const subjectOf = (a: ResourceValidationArgs): ResourceSubject => ({
    type: a.type,
    urn: a.urn,
    name: a.name,
    props: a.props,
    provider: a.provider,
    config: configWithDefaults(args.configSchema, a.getConfig<Record<string, unknown>>()),
  });
  const validations: ResourceValidation[] = args.rules.map((rule) => (a, report) => {
    if (!types.has(a.type)) return;
    applyRule(rule, subjectOf(a), a.urn, report);
  });
  const remediate = args.remediate;
  return {
    ...common(args, "resource"),
    validateResource: validations,
    ...(remediate
      ? {
          remediateResource: (a: ResourceValidationArgs) =>
            types.has(a.type) ? remediate(subjectOf(a)) : undefined,
        }
      : {}),
  };
}

export interface StackPolicyArgs extends CommonArgs<StackSubject> {
  readonly relatedTypes?: readonly string[];
  /** Narrows the subjects further (e.g. only critical buckets). */
  readonly appliesTo?: (subject: StackSubject) => boolean;
}

/** A policy over the whole stack, evaluated once per subject resource of `resourceTypes`. */
export function stackPolicy(args: StackPolicyArgs): PlatformStackPolicy {
  const types = new Set(args.resourceTypes);
  return {
    ...common(args, "stack", args.relatedTypes),
    validateStack: (a, report) => {
      const config = configWithDefaults(args.configSchema, a.getConfig<Record<string, unknown>>());
      for (const resource of a.resources) {
        if (!types.has(resource.type)) continue;
        const subject: StackSubject = { resource, resources: a.resources, config };
        try {
          if (args.appliesTo && !args.appliesTo(subject)) continue;
        } catch (e) {
          // Whether it applies is unknown during preview: check it, so an unknown never hides a violation.
          if (!(e instanceof UnknownValueError)) throw e;
        }
        for (const rule of args.rules) applyRule(rule, subject, resource.urn, report);
      }
    },
  };
}
