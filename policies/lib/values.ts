/**
 * Helpers for reading resource properties the way the analyzer hands them over: plain JSON behind
 * `@pulumi/policy`'s unknown-checking proxy. Reading an unknown value through the proxy throws
 * `UnknownValueError` (the policy wrapper reports it as "cannot verify"); `present` looks at the
 * raw value instead, so a presence check passes on an unknown.
 */
import type { PolicyProviderResource, PolicyResource } from "@pulumi/policy";
import { NotInDocumentError, SECRET_PLACEHOLDER, secretValueError } from "./document";

/** The sentinels Pulumi uses for values unknown during preview (a preview document shows the string one). */
export const UNKNOWN_VALUES: ReadonlySet<string> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export function isUnknown(v: unknown): boolean {
  return typeof v === "string" && UNKNOWN_VALUES.has(v);
}

/** The object behind the analyzer's proxy (or the value itself when it is not proxied). */
export function raw<T>(v: T): T {
  if (v !== null && typeof v === "object") {
    const target = (v as Record<string, unknown>)["__getSpecialProxyTarget"];
    if (target !== undefined) return target as T;
  }
  return v;
}

/** True when the value at `path` is set (not undefined/null/empty string) or unknown anywhere along the path. */
export function present(obj: unknown, ...path: (string | number)[]): boolean {
  let cur: unknown = raw(obj);
  for (const key of path) {
    if (isUnknown(cur)) return true;
    if (cur === null || typeof cur !== "object") return false;
    cur = raw((cur as Record<string, unknown>)[key]);
  }
  if (isUnknown(cur)) return true;
  return cur !== undefined && cur !== null && cur !== "";
}

/** A value that is a list in one place and a single item in another (IAM `Action`, `Resource`). */
export function asList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? [...v] : [v];
}

/**
 * Parses a JSON document property (IAM policies, EMR configurations); objects pass through. A
 * secret a preview document hides (`"[secret]"`) throws `NotInDocumentError`: an unreadable
 * policy never reads as an empty one.
 */
export function parseJson(text: unknown): unknown {
  if (typeof text !== "string") return text;
  if (text === SECRET_PLACEHOLDER) throw secretValueError([]);
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface IamStatement {
  Effect?: string;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of an IAM policy document given as JSON text or object. */
export function statementsOf(doc: unknown): IamStatement[] {
  const parsed = parseJson(doc) as { Statement?: unknown } | undefined;
  if (!parsed || typeof parsed !== "object") return [];
  return asList(parsed.Statement) as IamStatement[];
}

/** IAM action matching with `*` and `?` wildcards, case-insensitive as IAM does. */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    "^" +
      pattern
        .split("")
        .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
        .join("") +
      "$",
    "i",
  );
  return re.test(action);
}

/** True when a principal block grants everyone (`"*"` or `{ AWS: "*" }`). */
export function isWildcardPrincipal(principal: unknown): boolean {
  if (principal === "*") return true;
  if (principal && typeof principal === "object") {
    return Object.values(principal as Record<string, unknown>).some((v) => asList(v).includes("*"));
  }
  return false;
}

/** A tag map with what is known of it: keys present, and whether part of it is unknown. */
export interface KnownTags {
  readonly tags: Record<string, unknown>;
  readonly partlyUnknown: boolean;
  /** Set when the provider (and its default tags) is not in the preview document. */
  readonly notInDocument?: NotInDocumentError;
}

function tagMap(v: unknown): KnownTags {
  const r = raw(v);
  if (isUnknown(r)) return { tags: {}, partlyUnknown: true };
  if (!r || typeof r !== "object") return { tags: {}, partlyUnknown: false };
  return { tags: { ...(r as Record<string, unknown>) }, partlyUnknown: false };
}

/**
 * The provider's default tags. Providers take nested settings as JSON strings, so `defaultTags`
 * is the text `{"tags":{...}}` in a preview document and in the analyzer; an object is accepted too.
 */
export function providerDefaultTags(provider: { props: Record<string, unknown> } | undefined): KnownTags {
  if (!provider) return { tags: {}, partlyUnknown: false };
  const dt = raw(raw(provider.props).defaultTags);
  if (isUnknown(dt)) return { tags: {}, partlyUnknown: true };
  const parsed = parseJson(dt) as { tags?: unknown } | undefined;
  if (!parsed || typeof parsed !== "object") return { tags: {}, partlyUnknown: false };
  const tags = parsed.tags;
  return tagMap(typeof tags === "string" ? parseJson(tags) : tags);
}

/** Resource tags merged over the provider's default tags, as `tagsAll` will be after apply. */
export function effectiveTags(props: Record<string, unknown>, provider?: PolicyProviderResource): KnownTags {
  const own = tagMap(raw(props).tags);
  let defaults: KnownTags;
  try {
    defaults = providerDefaultTags(provider);
  } catch (e) {
    // An incremental preview without `--show-sames` omits the unchanged provider.
    if (!(e instanceof NotInDocumentError)) throw e;
    return { tags: own.tags, partlyUnknown: true, notInDocument: e };
  }
  return {
    tags: { ...defaults.tags, ...own.tags },
    partlyUnknown: own.partlyUnknown || defaults.partlyUnknown,
  };
}

/**
 * Companion resources of `types` whose `property` depends on `subject` (e.g. the encryption
 * configuration whose `bucket` input is the bucket's output): matched by property dependency,
 * never by physical name or id, which are unknown before the bucket exists.
 */
export function companionsOf(
  subject: PolicyResource,
  resources: readonly PolicyResource[],
  types: readonly string[],
  property: string,
): PolicyResource[] {
  return resources.filter(
    (r) =>
      types.includes(r.type) && (r.propertyDependencies[property] ?? []).some((d) => d.urn === subject.urn),
  );
}

/** A number property compared against a minimum; `undefined` when not set (reading throws on unknown). */
export function numberOf(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}
