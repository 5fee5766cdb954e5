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
import {
  type AbsenceTracker,
  documentGapOf,
  NotInDocumentError,
  SHOW_SAMES_HINT,
  trackingList,
} from "./document";
import { type AppliedException, exceptionMessage, EXCEPTIONS_SCHEMA, findException } from "./exceptions";
import { defaultEnforcementLevel } from "./levels";

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
  /** The exception that excepted (or failed to except) this finding; the engine ignores this field. */
  readonly exception?: AppliedException;
  /** Set on "cannot verify" findings; the engine ignores this field. */
  readonly cannotVerify?: true;
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
  readonly resourceTypes: readonly string[];
  readonly configSchema?: PolicyConfigSchema;
  readonly rules: readonly Rule<S>[];
}

function framework(args: { fsbp?: readonly string[]; description: string }) {
  if (!args.fsbp?.length) return undefined;
  return { ...FSBP_FRAMEWORK, reference: args.fsbp.join(", "), specification: args.description };
}

/** The policy's own config schema plus the `exceptions` list every policy accepts (exceptions.ts). */
function schemaWithExceptions(schema: PolicyConfigSchema | undefined): PolicyConfigSchema {
  return { ...(schema ?? {}), properties: { ...(schema?.properties ?? {}), ...EXCEPTIONS_SCHEMA } };
}

function common<S>(args: CommonArgs<S>, kind: "resource" | "stack", relatedTypes: readonly string[] = []) {
  const fw = framework(args);
  return {
    name: args.name,
    description: args.description,
    severity: args.severity,
    // Levels live in dev.json / prod.json only (levels.ts); the in-code level is prod's.
    enforcementLevel: defaultEnforcementLevel(args.name),
    remediationSteps: args.remediationSteps,
    tags: [args.concern],
    ...(fw ? { framework: fw } : {}),
    configSchema: schemaWithExceptions(args.configSchema),
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

/** What a rule is applied to, for the exception lookup and the report. */
interface RuleContext {
  readonly policy: string;
  readonly urn: string;
  /** The subject's properties (its tags may carry an exception). */
  readonly props: unknown;
  readonly config: Record<string, unknown>;
}

type Report = (d: Diagnostic) => void;

/**
 * Applies a rule. A read of an unknown value, or of something the preview document does not hold,
 * becomes an advisory "cannot verify" diagnostic; a violation covered by an exception is reported
 * at advisory level with the exception's reason, and at mandatory level once the exception expired.
 */
function applyRule<S>(
  rule: Rule<S>,
  subject: S,
  ctx: RuleContext,
  report: ReportViolation,
  tracker?: AbsenceTracker,
): void {
  // The analyzer accepts the object form (it is how it reports unknowns itself); the typings only name the string form.
  const reportObject = report as unknown as Report;
  let message: string | undefined;
  try {
    message = rule.check(subject);
  } catch (e) {
    if (e instanceof UnknownValueError) {
      reportObject({
        message: `[${rule.id}] cannot verify during preview: ${e.message}; the rule runs again on update`,
        urn: ctx.urn,
        enforcementLevel: "advisory",
        cannotVerify: true,
      });
      return;
    }
    if (e instanceof NotInDocumentError) {
      reportObject({
        message: `[${rule.id}] cannot verify: ${e.message} (${e.hint})`,
        urn: ctx.urn,
        enforcementLevel: "advisory",
        cannotVerify: true,
      });
      return;
    }
    throw e;
  }
  if (!message) return;
  const gap = tracker?.reliedOnAbsence ? tracker.gap : undefined;
  if (gap) {
    reportObject({
      message: `[${rule.id}] cannot verify: the preview document lacks ${gap}, and this finding rests on a resource not found in it (${SHOW_SAMES_HINT}): ${message}`,
      urn: ctx.urn,
      enforcementLevel: "advisory",
      cannotVerify: true,
    });
    return;
  }
  const exception = findException({
    policy: ctx.policy,
    rule: rule.id,
    urn: ctx.urn,
    props: ctx.props,
    config: ctx.config,
  });
  if (exception && "invalid" in exception) {
    report(`[${rule.id}] ${message} (${exception.invalid})`, ctx.urn);
  } else if (exception) {
    reportObject({
      message: exceptionMessage(rule.id, exception, message),
      urn: ctx.urn,
      enforcementLevel: exception.expired ? "mandatory" : "advisory",
      exception,
    });
  } else {
    report(`[${rule.id}] ${message}`, ctx.urn);
  }
}

export interface ResourcePolicyArgs extends CommonArgs<ResourceSubject> {
  readonly remediate?: (subject: ResourceSubject) => Record<string, unknown> | undefined;
}

/** A policy over single resources: one `validateResource` entry per rule. */
export function resourcePolicy(args: ResourcePolicyArgs): PlatformResourcePolicy {
  const types = new Set(args.resourceTypes);
  const schema = schemaWithExceptions(args.configSchema);
  const subjectOf = (a: ResourceValidationArgs): ResourceSubject => ({
    type: a.type,
    urn: a.urn,
    name: a.name,
    props: a.props,
    provider: a.provider,
    config: configWithDefaults(schema, a.getConfig<Record<string, unknown>>()),
  });
  const validations: ResourceValidation[] = args.rules.map((rule) => (a, report) => {
    if (!types.has(a.type)) return;
    const subject = subjectOf(a);
    applyRule(
      rule,
      subject,
      { policy: args.name, urn: a.urn, props: a.props, config: subject.config },
      report,
    );
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
  const schema = schemaWithExceptions(args.configSchema);
  return {
    ...common(args, "stack", args.relatedTypes),
    validateStack: (a, report) => {
      const config = configWithDefaults(schema, a.getConfig<Record<string, unknown>>());
      // Set only by the offline runner, on an incomplete preview document (document.ts).
      const gap = documentGapOf(a.resources);
      for (const resource of a.resources) {
        if (!types.has(resource.type)) continue;
        for (const rule of args.rules) {
          const tracker = gap ? { reliedOnAbsence: false, gap: gap.missing } : undefined;
          const resources = tracker ? trackingList(a.resources, tracker) : a.resources;
          const subject: StackSubject = { resource, resources, config };
          try {
            if (args.appliesTo && !args.appliesTo(subject)) continue;
          } catch (e) {
            // Whether it applies is unknown: check it, so an unknown never hides a violation.
            if (!(e instanceof UnknownValueError) && !(e instanceof NotInDocumentError)) throw e;
          }
          applyRule(
            rule,
            subject,
            { policy: args.name, urn: resource.urn, props: resource.props, config },
            report,
            tracker,
          );
        }
      }
    },
  };
}
