/**
 * The offline analyzer: evaluates the pack's policies over a `pulumi preview --json` document the
 * way the Pulumi engine and `@pulumi/policy`'s analyzer server do during a preview: remediations
 * first (enforcement level `remediate`), then every resource policy per resource, then every stack
 * policy over all resources with parents, dependencies, property dependencies and providers
 * resolved to resource objects. Properties go through `@pulumi/policy`'s own unknown-checking
 * proxy, so a read of an unknown value behaves exactly as in a real preview.
 */
import type {
  EnforcementLevel,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  Severity,
} from "@pulumi/policy";
import { unknownCheckingProxy, UnknownValueError } from "../lib/analyzer";
import { plainValue } from "../../harness/plan";
import type { Diagnostic, PlatformPolicy, PlatformResourcePolicy, PlatformStackPolicy } from "../lib/policy";
import { enforcementLevelOf, type PackConfig, policyConfigOf } from "./config";

/** One finding, as `npm run check -- --json` prints it (plus internal fields). */
export interface Violation {
  readonly policyName: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly urn: string;
  readonly message: string;
  readonly severity?: Severity;
  /** The rule id parsed from the `[rule]` message prefix, when there is one. */
  readonly rule?: string;
}

/** The state of one resource as a preview document records it. */
export interface PlanResource {
  readonly urn: string;
  readonly type: string;
  readonly custom: boolean;
  readonly parent?: string;
  readonly provider?: string;
  readonly inputs: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  readonly dependencies?: string[];
  readonly propertyDependencies?: Record<string, string[]>;
  readonly protect?: boolean;
  readonly op?: string;
}

/** Step kinds after which the resource does not exist (or that repeat another step's state). */
const GONE = new Set([
  "delete",
  "delete-replaced",
  "discard",
  "discard-replaced",
  "read-discard",
  "remove-pending-replace",
]);

/**
 * Resources of a preview document that exist after it: deletes excluded, and one state per URN
 * (a replacement shows up as `create-replacement` and `replace` steps of the same resource).
 */
export function resourcesOfDocument(doc: {
  steps: { op: string; newState?: Omit<PlanResource, "op"> }[];
}): PlanResource[] {
  const byUrn = new Map<string, PlanResource>();
  for (const s of doc.steps) {
    if (!s.newState || GONE.has(s.op)) continue;
    byUrn.set(s.newState.urn, { ...s.newState, op: s.op });
  }
  return [...byUrn.values()];
}

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/**
 * The properties the analyzer hands a policy: outputs overlaid with inputs (a preview's new state
 * of a created resource has only inputs), in plain JSON — secrets unwrapped and resource
 * references as URNs, as the analyzer deserializes them.
 */
function propsOf(r: PlanResource): Record<string, unknown> {
  const merged = plainValue({ ...(r.outputs ?? {}), ...r.inputs }) as Record<string, unknown>;
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  return cloneJson(merged);
}

/**
 * Plan values are JSON. A JSON round trip (not `structuredClone`) keeps the copies in the caller's
 * realm: the analyzer's proxy only wraps values that are `instanceof Object` there (under jest,
 * `structuredClone` returns objects of another realm that the proxy would silently not wrap).
 */
function cloneJson<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function optionsOf(r: PlanResource): PolicyResourceOptions {
  return {
    protect: r.protect ?? false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

type ResourceClass = { __pulumiType?: string; isInstance?: (o: unknown) => boolean };
const isTypeOf = (type: string, cls: ResourceClass) =>
  cls.__pulumiType ? cls.__pulumiType === type : cls.isInstance?.({ __pulumiType: type }) === true;

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

const RULE = /^\[([a-z0-9-]+)\] /;

export interface AnalyzeOptions {
  readonly policies: readonly PlatformPolicy[];
  readonly config: PackConfig;
  readonly stackTags?: ReadonlyMap<string, string>;
}

export interface AnalyzeResult {
  readonly violations: Violation[];
  /** Resources whose inputs a remediation changed, with the remediated inputs. */
  readonly remediated: { urn: string; policyName: string; props: Record<string, unknown> }[];
}

/** Evaluates the policies over the resources of one stack. */
export async function analyzeResources(
  resources: PlanResource[],
  opts: AnalyzeOptions,
): Promise<AnalyzeResult> {
  const violations: Violation[] = [];
  const remediated: AnalyzeResult["remediated"] = [];
  const stackTags = opts.stackTags ?? new Map<string, string>();
  const byUrn = new Map(resources.map((r) => [r.urn, r]));

  const providerOf = (r: PlanResource): PolicyProviderResource | undefined => {
    if (!r.provider) return undefined;
    // A provider reference is `<urn>::<id>`; accept a bare URN too.
    const p = byUrn.get(r.provider) ?? byUrn.get(r.provider.slice(0, r.provider.lastIndexOf("::")));
    if (!p) return undefined;
    return { type: p.type, urn: p.urn, name: nameOf(p.urn), props: unknownCheckingProxy(propsOf(p)) };
  };

  const reporter = (policy: PlatformPolicy, level: EnforcementLevel, defaultUrn: string) => {
    return (message: string | Diagnostic, urn?: string) => {
      const d: Diagnostic = typeof message === "string" ? { message, urn } : message;
      violations.push({
        policyName: policy.name,
        enforcementLevel: d.enforcementLevel ?? level,
        urn: d.urn ?? defaultUrn,
        message: d.message || policy.description,
        ...(policy.severity ? { severity: policy.severity } : {}),
        ...(RULE.test(d.message) ? { rule: RULE.exec(d.message)![1] } : {}),
      });
    };
  };

  const unknownDiagnostic = (policy: PlatformPolicy, urn: string, e: Error): Violation => ({
    policyName: policy.name,
    enforcementLevel: "advisory",
    urn,
    message: `can't run policy '${policy.name}' during preview: ${e.message}`,
  });

  const resourcePolicies = opts.policies.filter((p): p is PlatformResourcePolicy => "validateResource" in p);
  const stackPolicies = opts.policies.filter((p): p is PlatformStackPolicy => "validateStack" in p);
  const finalProps = new Map<string, Record<string, unknown>>();

  for (const r of resources) {
    if (r.op === "read") continue;
    let props = propsOf(r);
    const argsFor = (policy: PlatformPolicy, current: Record<string, unknown>): ResourceValidationArgs => {
      const proxied = unknownCheckingProxy(current);
      const provider = providerOf(r);
      return {
        type: r.type,
        props: proxied,
        urn: r.urn,
        name: nameOf(r.urn),
        opts: optionsOf(r),
        stackTags,
        isType: (cls) => isTypeOf(r.type, cls as ResourceClass),
        asType: ((cls: ResourceClass) => (isTypeOf(r.type, cls) ? proxied : undefined)) as never,
        getConfig: <T extends object>() => policyConfigOf(policy, opts.config) as T,
        notApplicable,
        ...(provider ? { provider } : {}),
      };
    };
    // Remediations first, each seeing the previous one's result.
    for (const policy of resourcePolicies) {
      if (enforcementLevelOf(policy, opts.config) !== "remediate" || !policy.remediateResource) continue;
      try {
        const result = await policy.remediateResource(argsFor(policy, props));
        if (result) {
          props = cloneJson(result) as Record<string, unknown>;
          remediated.push({ urn: r.urn, policyName: policy.name, props });
          violations.push({
            policyName: policy.name,
            enforcementLevel: "remediate",
            urn: r.urn,
            message: `remediated: ${policy.description}`,
          });
        }
      } catch (e) {
        if (e instanceof UnknownValueError) violations.push(unknownDiagnostic(policy, r.urn, e));
        else if (!(e instanceof NotApplicable)) throw e;
      }
    }
    finalProps.set(r.urn, props);
    for (const policy of resourcePolicies) {
      let level = enforcementLevelOf(policy, opts.config);
      if (level === "disabled") continue;
      if (level === "remediate") level = "mandatory";
      const validations = policy.validateResource
        ? Array.isArray(policy.validateResource)
          ? policy.validateResource
          : [policy.validateResource]
        : [];
      for (const validate of validations) {
        try {
          await validate(argsFor(policy, props), reporter(policy, level, r.urn));
        } catch (e) {
          if (e instanceof UnknownValueError) violations.push(unknownDiagnostic(policy, r.urn, e));
          else if (!(e instanceof NotApplicable)) throw e;
        }
      }
    }
  }

  if (stackPolicies.length) {
    const policyResources = new Map<string, PolicyResource>();
    for (const r of resources) {
      const props = unknownCheckingProxy(finalProps.get(r.urn) ?? propsOf(r));
      const provider = providerOf(r);
      policyResources.set(r.urn, {
        type: r.type,
        props,
        urn: r.urn,
        name: nameOf(r.urn),
        opts: optionsOf(r),
        dependencies: [],
        propertyDependencies: {},
        isType: (cls) => isTypeOf(r.type, cls as ResourceClass),
        asType: ((cls: ResourceClass) => (isTypeOf(r.type, cls) ? props : undefined)) as never,
        ...(provider ? { provider } : {}),
      });
    }
    for (const r of resources) {
      const pr = policyResources.get(r.urn)!;
      if (r.parent && policyResources.has(r.parent)) pr.parent = policyResources.get(r.parent);
      pr.dependencies = (r.dependencies ?? []).flatMap((d) => policyResources.get(d) ?? []);
      for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
        pr.propertyDependencies[k] = urns.flatMap((d) => policyResources.get(d) ?? []);
      }
    }
    const all = [...policyResources.values()];
    const stackUrn = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
    for (const policy of stackPolicies) {
      let level = enforcementLevelOf(policy, opts.config);
      if (level === "disabled") continue;
      if (level === "remediate") level = "mandatory";
      try {
        await policy.validateStack(
          {
            resources: all,
            stackTags,
            getConfig: <T extends object>() => policyConfigOf(policy, opts.config) as T,
            notApplicable,
          },
          reporter(policy, level, stackUrn),
        );
      } catch (e) {
        if (e instanceof UnknownValueError) violations.push(unknownDiagnostic(policy, stackUrn, e));
        else if (!(e instanceof NotApplicable)) throw e;
      }
    }
  }
  return { violations, remediated };
}

/** Evaluates the policies over one preview document. */
export function analyzeDocument(
  doc: { steps: { op: string; newState?: Omit<PlanResource, "op"> }[] },
  opts: AnalyzeOptions,
): Promise<AnalyzeResult> {
  return analyzeResources(resourcesOfDocument(doc), opts);
}
