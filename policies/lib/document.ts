/**
 * What a policy cannot see when it runs over a `pulumi preview --json` document instead of under
 * the engine: secret values (printed as `"[secret]"`), and resources the document does not hold
 * (unchanged resources are printed only with `--show-sames`, and so is an unchanged provider).
 * Reading such a value throws `NotInDocumentError`; the policy wrapper (policy.ts) and the offline
 * runner turn it into an advisory "cannot verify" finding that names what is missing. Under the
 * engine none of this happens: the analyzer receives every resource and plaintext secrets.
 */

/** How the CLI prints a secret value in a preview document (`display.MassageSecrets`). */
export const SECRET_PLACEHOLDER = "[secret]";

/** What to run for a document that holds every resource. */
export const SHOW_SAMES_HINT = "`pulumi preview --json --show-sames` prints a complete document";

/** A value or a resource a policy needs is not in the preview document. */
export class NotInDocumentError extends Error {
  constructor(
    readonly missing: string,
    /** How to get a verdict anyway. */
    readonly hint: string = SHOW_SAMES_HINT,
  ) {
    super(`${missing} is not in the preview document`);
    this.name = "NotInDocumentError";
  }
}

/** What to run to check secret values. */
export const SECRETS_HINT = "the pack under `pulumi preview --policy-pack policies` reads secret values";

/** Thrown when a policy reads a secret the preview document prints as `"[secret]"`. */
export function secretValueError(path: readonly (string | number | symbol)[]): NotInDocumentError {
  const at = path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  return new NotInDocumentError(`the secret value at ${at || "(root)"}`, SECRETS_HINT);
}

/**
 * Marker the offline runner sets on the resource list of a stack policy when the document lacks
 * resources the engine would pass (an incremental preview without `--show-sames`). A registered
 * symbol, so the pack under the engine (which never sets it) and the runner agree without imports.
 */
export const DOCUMENT_GAP = Symbol.for("aws-data-platform.policies.documentGap");

/** What the document lacks, as the runner describes it (e.g. "12 unchanged resources"). */
export interface DocumentGap {
  readonly missing: string;
}

/** The gap the runner recorded on a stack policy's resource list, if any. */
export function documentGapOf(resources: readonly unknown[]): DocumentGap | undefined {
  return (resources as unknown as Record<symbol, DocumentGap | undefined>)[DOCUMENT_GAP];
}

/** Marks a resource list as incomplete (offline runner only). */
export function markDocumentGap<T>(resources: T[], gap: DocumentGap): T[] {
  Object.defineProperty(resources, DOCUMENT_GAP, { value: gap, enumerable: false });
  return resources;
}

/** Records whether a rule's verdict rested on something it did not find in the resource list. */
export interface AbsenceTracker {
  /** True once a search came back empty or the list was read in a way that cannot be followed. */
  reliedOnAbsence: boolean;
  /** What the document lacks (DocumentGap.missing). */
  readonly gap: string;
}

const SEARCHES: Record<string, (result: unknown) => boolean> = {
  // Each returns true when the result means "nothing matched" (absence).
  filter: (r) => (r as unknown[]).length === 0,
  find: (r) => r === undefined,
  findLast: (r) => r === undefined,
  findIndex: (r) => r === -1,
  findLastIndex: (r) => r === -1,
  some: (r) => r === false,
  includes: (r) => r === false,
  indexOf: (r) => r === -1,
  // `every` is true when no counterexample exists, which a missing resource could be.
  every: (r) => r === true,
};

/**
 * The resource list a stack rule sees in an incomplete document: searches behave as usual, and a
 * search that finds nothing (or any read the tracker cannot interpret, like iteration) marks the
 * rule's verdict as resting on absence, which an incomplete document cannot establish.
 */
export function trackingList<T>(resources: readonly T[], tracker: AbsenceTracker): T[] {
  return new Proxy(resources as T[], {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof key === "string" && key in SEARCHES && typeof value === "function") {
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (SEARCHES[key](result)) tracker.reliedOnAbsence = true;
          return result;
        };
      }
      if (key === DOCUMENT_GAP) return value;
      // Iteration, indexing, map/reduce/forEach, length: the rule walks the list itself.
      if (key !== "constructor") tracker.reliedOnAbsence = true;
      return typeof value === "function" ? (value as () => unknown).bind(target) : value;
    },
  });
}
