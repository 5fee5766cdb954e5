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
import {
  markDocumentGap,
  NotInDocumentError,
  SECRET_PLACEHOLDER,
  secretValueError,
  SHOW_SAMES_HINT,
} from "../lib/document";
import type { AppliedException } from "../lib/exceptions";
import type { Diagnostic, PlatformPolicy, PlatformResourcePolicy, PlatformStackPolicy } from "../lib/policy";
import { enforcementLevelOf, type PackConfig, policyConfigOf } from "./config";
import { completenessOf, type DocumentLike, documentValue, resourcesOfPreview } from "./document";

/** One finding, as `npm run check -- --json` prints it (plus internal fields). */
export interface Violation {
  readonly policyName: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly urn: string;
  readonly message: string;
  readonly severity?: Severity;
  /** The rule id parsed from the `[rule]` message prefix, when there is one. */
  readonly rule?: string;
  /** The exception that excepted this finding (advisory), or that expired (mandatory). */
  readonly exception?: AppliedException;
  /** The verdict depends on what the document does not hold (or on a value unknown until apply). */
  readonly cannotVerify?: boolean;
}

/** Name of the runner's own finding about an incomplete document (not a policy of the pack). */
export const DOCUMENT_FINDING = "preview-document";

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

/**
 * Resources of a preview document that exist after it: deletes excluded, one state per URN (a
 * replacement shows up as `create-replacement` and `replace` steps of the same resource).
 */
export function resourcesOfDocument(doc: DocumentLike): PlanResource[] {
  return resourcesOfPreview(doc);
}

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/**
 * Whether `AnalyzeStack` would see the document's outputs of a resource. The engine sends "the
 * final outputs of each resource" (`stepGenerator.AnalyzeResources`): for an unchanged resource its
 * state's outputs and for a component what it registered, both of which the document holds; for
 * a created or updated resource the provider's preview of the new inputs, which the document does
 * not hold (its `outputs`, if any, are the old ones), so its inputs stand in.
 */
export function stackSeesOutputs(r: PlanResource): boolean {
  return !!r.outputs && Object.keys(r.outputs).length > 0 && (r.op === "same" || !r.custom);
}

/**
 * The properties the analyzer hands a policy, in plain JSON as it deserializes them: `Analyze`
 * (resource policies) gets the resource's inputs; `AnalyzeStack` the outputs where the engine
 * sends outputs the document holds (`stackSeesOutputs`).
 */
function propsOf(r: PlanResource, kind: "resource" | "stack"): Record<string, unknown> {
  const source = kind === "stack" && stackSeesOutputs(r) ? r.outputs! : r.inputs;
  const plain = documentValue(source) as Record<string, unknown>;
  for (const k of Object.keys(plain)) if (plain[k] === undefined) delete plain[k];
  return cloneJson(plain);
}

/**
 * The analyzer's unknown-checking proxy with one more rule for documents: reading a secret the
 * document prints as `"[secret]"` throws `NotInDocumentError` (the engine would hand the policy the
 * plaintext). `raw()` still reaches the plain object, so presence checks see the secret as set.
 */
function documentProxy<T extends object>(props: T): T {
  const wrap = (target: object, path: (string | number | symbol)[]): object =>
    new Proxy(target, {
      get(t, key, receiver) {
        const value = Reflect.get(t, key, receiver);
        if (key === "__getSpecialProxyTarget" || typeof key === "symbol") return value;
        const at = [...path, Array.isArray(t) && /^\d+$/.test(key) ? Number(key) : key];
        if (value === SECRET_PLACEHOLDER) throw secretValueError(at);
        return value !== null && typeof value === "object" ? wrap(value as object, at) : value;
      },
    });
  return wrap(unknownCheckingProxy(props), []) as T;
}

/** A provider the document references but does not hold: every read says so. */
function providerNotInDocument(urn: string): Record<string, unknown> {
  const error = () =>
    new NotInDocumentError(`the provider ${urn.slice(0, urn.lastIndexOf("::"))} (and its default tags)`);
  return new Proxy(
    {},
    {
      get(_t, key) {
        if (typeof key === "symbol" || key === "then" || key === "toJSON") return undefined;
        throw error();
      },
    },
  );
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
  /**
   * What the document lacks that the engine would pass (e.g. "12 unchanged resources"): stack
   * findings that rest on a resource not found become "cannot verify".
   */
  readonly missing?: string;
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
    const providerUrn = byUrn.has(r.provider)
      ? r.provider
      : r.provider.slice(0, r.provider.lastIndexOf("::"));
    const p = byUrn.get(providerUrn);
    if (!p) {
      // Unchanged providers are printed only with `--show-sames`; the engine would pass its inputs.
      // `urn:pulumi:<stack>::<project>::[<parent type>$]<type>::<name>`
      const qualified = providerUrn.split("::").at(-2) ?? "";
      const type = qualified.slice(qualified.lastIndexOf("$") + 1);
      return { type, urn: providerUrn, name: nameOf(providerUrn), props: providerNotInDocument(r.provider) };
    }
    // The engine sends a provider's inputs, to Analyze and AnalyzeStack alike.
    return { type: p.type, urn: p.urn, name: nameOf(p.urn), props: documentProxy(propsOf(p, "resource")) };
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
        ...(d.exception ? { exception: d.exception } : {}),
        ...(d.cannotVerify ? { cannotVerify: true } : {}),
      });
    };
  };

  const unknownDiagnostic = (policy: PlatformPolicy, urn: string, e: Error): Violation => ({
    policyName: policy.name,
    enforcementLevel: "advisory",
    urn,
    message:
      e instanceof NotInDocumentError
        ? `can't run policy '${policy.name}': ${e.message} (${e.hint})`
        : `can't run policy '${policy.name}' during preview: ${e.message}`,
    cannotVerify: true,
  });
  const isGap = (e: unknown): e is Error => e instanceof UnknownValueError || e instanceof NotInDocumentError;

  const resourcePolicies = opts.policies.filter((p): p is PlatformResourcePolicy => "validateResource" in p);
  const stackPolicies = opts.policies.filter((p): p is PlatformStackPolicy => "validateStack" in p);
  const finalProps = new Map<string, Record<string, unknown>>();

  for (const r of resources) {
    if (r.op === "read") continue;
    let props = propsOf(r, "resource");
    const argsFor = (policy: PlatformPolicy, current: Record<string, unknown>): ResourceValidationArgs => {
      const proxied = documentProxy(current);
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
        if (isGap(e)) violations.push(unknownDiagnostic(policy, r.urn, e));
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
          if (isGap(e)) violations.push(unknownDiagnostic(policy, r.urn, e));
          else if (!(e instanceof NotApplicable)) throw e;
        }
      }
    }
  }

  if (stackPolicies.length) {
    const policyResources = new Map<string, PolicyResource>();
    for (const r of resources) {
      // A remediation changes inputs; the engine then analyzes the stack with the remediated state.
      const props = documentProxy(
        finalProps.has(r.urn) && remediated.some((x) => x.urn === r.urn)
          ? finalProps.get(r.urn)!
          : propsOf(r, "stack"),
      );
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
    if (opts.missing) markDocumentGap(all, { missing: opts.missing });
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
        if (isGap(e)) violations.push(unknownDiagnostic(policy, stackUrn, e));
        else if (!(e instanceof NotApplicable)) throw e;
      }
    }
  }
  return { violations, remediated };
}

/**
 * Evaluates the policies over one preview document. A document without its unchanged resources
 * (no `--show-sames`) also gets one advisory finding naming what the policies did not see.
 */
export async function analyzeDocument(doc: DocumentLike, opts: AnalyzeOptions): Promise<AnalyzeResult> {
  const resources = resourcesOfDocument(doc);
  const { unprintedSames } = completenessOf(doc);
  const missing = unprintedSames
    ? `${unprintedSames} unchanged resource${unprintedSames === 1 ? "" : "s"}`
    : undefined;
  const result = await analyzeResources(resources, { ...opts, ...(missing ? { missing } : {}) });
  if (missing) {
    result.violations.unshift({
      policyName: DOCUMENT_FINDING,
      enforcementLevel: "advisory",
      urn: resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "",
      message: `cannot verify ${missing}: the document counts them in changeSummary.same but does not print them, so no policy saw them (${SHOW_SAMES_HINT})`,
      cannotVerify: true,
    });
  }
  return result;
}
