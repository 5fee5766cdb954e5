import { z } from "zod";

/**
 * The document `pulumi preview --json` prints, as far as the platform's tools read it. The offline
 * plan writes exactly this shape so the policy runner works the same on a real preview.
 */
export interface ResourceState {
  readonly urn: string;
  readonly type: string;
  readonly custom: boolean;
  readonly id?: string;
  readonly parent?: string;
  readonly provider?: string;
  readonly inputs: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  readonly dependencies: string[];
  readonly propertyDependencies: Record<string, string[]>;
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
}

export interface PlanStep {
  readonly op: "create" | "read" | "same" | "update" | "replace" | "delete";
  readonly urn: string;
  readonly provider?: string;
  readonly newState: ResourceState;
}

export interface PlanDocument {
  readonly config?: Record<string, string>;
  readonly steps: PlanStep[];
  readonly changeSummary: Record<string, number>;
  readonly duration?: number;
}

/** In a real preview an input not yet known is this string. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const STACK_TYPE = "pulumi:pulumi:Stack";
export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

/** Wire markers Pulumi uses inside serialized property values. */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/**
 * Turns serialized properties (the wire form a resource monitor receives) into the plain values a
 * preview document shows: secrets unwrapped, resource references as URNs, output values as their
 * value (or the unknown marker). Assets and archives keep their wire form.
 */
export function plainValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plainValue);
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  switch (o[SIG]) {
    case SECRET:
      return plainValue(o.value);
    case RESOURCE:
      return o.urn;
    case OUTPUT:
      return "value" in o ? plainValue(o.value) : UNKNOWN;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = plainValue(x);
  return out;
}

/** Builds the preview document from the steps of one evaluation. */
export function planDocument(
  steps: PlanStep[],
  config: Record<string, string>,
  duration?: number,
): PlanDocument {
  const changeSummary: Record<string, number> = {};
  for (const s of steps) changeSummary[s.op] = (changeSummary[s.op] ?? 0) + 1;
  return { config, steps, changeSummary, ...(duration !== undefined ? { duration } : {}) };
}

/** Stack outputs recorded in a plan (on the root stack resource). */
export function stackOutputs(doc: PlanDocument): Record<string, unknown> {
  const stack = doc.steps.find((s) => s.newState.type === STACK_TYPE);
  return (stack?.newState.outputs as Record<string, unknown>) ?? {};
}

/** Names of the stacks a plan reads through StackReferences. */
export function stackReferences(doc: PlanDocument): string[] {
  return doc.steps
    .filter((s) => s.newState.type === STACK_REFERENCE_TYPE)
    .map((s) => String(s.newState.inputs.name));
}

const ResourceStateSchema = z.object({
  urn: z.string().startsWith("urn:pulumi:"),
  type: z.string().min(1),
  custom: z.boolean(),
  id: z.string().optional(),
  parent: z.string().optional(),
  provider: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.record(z.string(), z.unknown()).optional(),
  dependencies: z.array(z.string()).optional(),
  propertyDependencies: z.record(z.string(), z.array(z.string())).optional(),
  protect: z.boolean().optional(),
  retainOnDelete: z.boolean().optional(),
});

/** The parts of a `pulumi preview --json` document the platform's tools rely on. */
export const PlanDocumentSchema = z.object({
  config: z.record(z.string(), z.unknown()).optional(),
  steps: z.array(
    z.object({
      op: z.string(),
      urn: z.string().startsWith("urn:pulumi:"),
      provider: z.string().optional(),
      newState: ResourceStateSchema.optional(),
      oldState: ResourceStateSchema.optional(),
    }),
  ),
  changeSummary: z.record(z.string(), z.number()).optional(),
  duration: z.number().optional(),
});
