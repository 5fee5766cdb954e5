/**
 * Reading what `pulumi preview --json` really prints (pulumi/pulumi `pkg/backend/display/json.go`,
 * `previewDigest`; states are `apitype.ResourceV3` from `stack.SerializeResource`):
 *
 * - `inputs` / `outputs` are omitted when empty (the root stack, components);
 * - unchanged resources (`same` steps, the provider included) are printed only with `--show-sames`;
 *   the root stack step always is; `changeSummary` counts every step, printed or not;
 * - a delete carries only `oldState`; a replacement shows `create-replacement`, `replace` and
 *   `delete-replaced` steps of one URN;
 * - secrets print as `"[secret]"` (`MassageSecrets`); the serializer's signature form
 *   `{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": ...}`
 *   (or `"plaintext": "<json>"`) and the SDK's wire form with `value` are read too;
 * - values unknown during preview print as `04da6b54-80e4-46f7-96ec-b56ff0331ba9`.
 *
 * The offline plan (`npm run plan`) writes the same shape with every resource present.
 */
import { z } from "zod";
import { SECRET_PLACEHOLDER } from "../lib/document";
import type { PlanResource } from "./analyze";

/** In a preview document a value not known until apply is this string. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

const Props = z.record(z.string(), z.unknown());

const ResourceStateSchema = z.object({
  urn: z.string().startsWith("urn:pulumi:"),
  type: z.string().min(1),
  custom: z.boolean().optional(),
  id: z.string().optional(),
  parent: z.string().optional(),
  provider: z.string().optional(),
  inputs: Props.optional(),
  outputs: Props.optional(),
  dependencies: z.array(z.string()).nullish(),
  propertyDependencies: z.record(z.string(), z.array(z.string()).nullish()).nullish(),
  protect: z.boolean().optional(),
  delete: z.boolean().optional(),
  retainOnDelete: z.boolean().optional(),
});
export type DocumentResourceState = z.infer<typeof ResourceStateSchema>;

/** The `pulumi preview --json` document, as far as the policy runner reads it. */
export const PreviewDocumentSchema = z.object({
  config: z.record(z.string(), z.unknown()).optional(),
  steps: z.array(
    z.object({
      op: z.string().min(1),
      urn: z.string().startsWith("urn:pulumi:"),
      provider: z.string().optional(),
      oldState: ResourceStateSchema.optional(),
      newState: ResourceStateSchema.optional(),
    }),
    // The root stack step is always printed, so a real document always has steps.
  ),
  changeSummary: z.record(z.string(), z.number()).optional(),
  duration: z.number().optional(),
});
export type PreviewDocument = z.infer<typeof PreviewDocumentSchema>;

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
 * A property value as the analyzer would see it, from a document value: secrets with a readable
 * value unwrapped (`value`, or `plaintext` JSON), secrets without one (`"[secret]"`, `ciphertext`)
 * as `"[secret]"`, resource references as their URN, output values as their value or unknown.
 * Assets and archives keep their form.
 */
export function documentValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(documentValue);
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  switch (o[SIG]) {
    case SECRET_SIG:
      if ("value" in o) return documentValue(o.value);
      if (typeof o.plaintext === "string") {
        try {
          return documentValue(JSON.parse(o.plaintext));
        } catch {
          return SECRET_PLACEHOLDER;
        }
      }
      return SECRET_PLACEHOLDER;
    case RESOURCE_SIG:
      return o.urn;
    case OUTPUT_SIG:
      return "value" in o ? documentValue(o.value) : UNKNOWN;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) if (x !== undefined) out[k] = documentValue(x);
  return out;
}

/** What a document lacks compared with what the engine sees during the same preview. */
export interface DocumentCompleteness {
  /** Unchanged resources counted in `changeSummary.same` but not printed (no `--show-sames`). */
  readonly unprintedSames: number;
}

/** The parts of a document the runner reads (a parsed preview or an offline plan). */
export interface DocumentLike {
  readonly steps: readonly { op: string; newState?: DocumentResourceState }[];
  readonly changeSummary?: Record<string, number>;
}

/** How many unchanged resources the document counts but does not print. */
export function completenessOf(doc: DocumentLike): DocumentCompleteness {
  const counted = doc.changeSummary?.same ?? 0;
  const printed = doc.steps.filter((s) => s.op === "same").length;
  return { unprintedSames: Math.max(0, counted - printed) };
}

/**
 * Resources that exist after the preview, one state per URN (deletes excluded), with values as
 * the analyzer sees them and empty `inputs` restored.
 */
export function resourcesOfPreview(doc: DocumentLike): PlanResource[] {
  const byUrn = new Map<string, PlanResource>();
  for (const s of doc.steps) {
    const st = s.newState;
    if (!st || GONE.has(s.op)) continue;
    const propertyDependencies: Record<string, string[]> = {};
    for (const [k, urns] of Object.entries(st.propertyDependencies ?? {}))
      propertyDependencies[k] = urns ?? [];
    byUrn.set(st.urn, {
      urn: st.urn,
      type: st.type,
      custom: st.custom ?? false,
      ...(st.parent ? { parent: st.parent } : {}),
      ...(st.provider ? { provider: st.provider } : {}),
      inputs: documentValue(st.inputs ?? {}) as Record<string, unknown>,
      ...(st.outputs && Object.keys(st.outputs).length
        ? { outputs: documentValue(st.outputs) as Record<string, unknown> }
        : {}),
      dependencies: st.dependencies ?? [],
      propertyDependencies,
      ...(st.protect ? { protect: true } : {}),
      op: s.op,
    });
  }
  return [...byUrn.values()];
}

/** Parses a document; the error names the first problems by path. */
export function parsePreviewDocument(json: unknown): { document: PreviewDocument } | { error: string } {
  const parsed = PreviewDocumentSchema.safeParse(json);
  if (parsed.success) return { document: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
  return { error: `not a \`pulumi preview --json\` document (${issues})` };
}
