/**
 * Per-resource exceptions, in the style of cdk-nag suppressions: declared next to the resource, each
 * with a reason and an optional expiry, and always listed in the output.
 *
 * - A tag on the resource: key `policy-exception:<policy>` (every rule of the policy) or
 *   `policy-exception:<policy>/<rule>`, value `<reason>` optionally followed by
 *   `expires=YYYY-MM-DD` (AWS tag values allow letters, digits, spaces and `_ . : / = + - @`).
 * - A pack-config entry by URN, for resources without tags:
 *   `"<policy>": { "enforcementLevel": "...", "exceptions": [{ "urn": "...", "rule"?: "...",
 *   "reason": "...", "expires"?: "YYYY-MM-DD" }] }`.
 *
 * An excepted violation is reported at advisory level as `[rule] excepted (...)`; an expired
 * exception reports the violation at mandatory level whatever the policy's level, so it fails
 * until the exception is renewed or removed. The policy wrapper (policy.ts) applies this, so the
 * pack under the engine and the offline runner behave the same.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { raw } from "./values";

export const EXCEPTION_TAG_PREFIX = "policy-exception:";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const EXPIRES = /(?:^|\s)expires=(\S*)\s*$/;

/** The `exceptions` property every policy's config schema carries (the engine validates it). */
export const EXCEPTIONS_SCHEMA: PolicyConfigSchema["properties"] = {
  exceptions: {
    type: "array",
    default: [],
    items: {
      type: "object",
      additionalProperties: false,
      required: ["urn", "reason"],
      properties: {
        urn: { type: "string", pattern: "^urn:pulumi:" },
        rule: { type: "string" },
        reason: { type: "string", minLength: 1 },
        expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
      },
    },
  },
};

/** An exception that matched a violation. */
export interface AppliedException {
  /** `tag policy-exception:<...>` or `config <policy>.exceptions[i]`. */
  readonly source: string;
  readonly reason: string;
  readonly expires?: string;
  readonly expired: boolean;
}

interface ConfigException {
  urn?: unknown;
  rule?: unknown;
  reason?: unknown;
  expires?: unknown;
}

/** True when `expires` (a UTC date) is before `now`'s UTC date; the exception holds through that day. */
export function isExpired(expires: string | undefined, now: Date): boolean {
  if (!expires) return false;
  return expires < now.toISOString().slice(0, 10);
}

/** Parses a tag value `<reason> [expires=YYYY-MM-DD]`; an error string when it is not valid. */
export function parseExceptionTag(value: unknown): { reason: string; expires?: string } | string {
  if (typeof value !== "string") return "the tag value is not text";
  const m = EXPIRES.exec(value);
  const expires = m?.[1];
  const reason = (m ? value.slice(0, m.index) : value).trim();
  if (expires !== undefined && !DATE.test(expires))
    return `expires=${expires} is not a date (use expires=YYYY-MM-DD)`;
  if (!reason) return "the tag value gives no reason";
  return { reason, ...(expires ? { expires } : {}) };
}

/**
 * The exception covering `rule` of `policy` on the resource, or a note saying why a declared one
 * does not apply (no reason, bad date). Tags are read from the resource's own `tags` (an unknown
 * tag map holds no exception).
 */
export function findException(args: {
  policy: string;
  rule: string;
  urn: string;
  props: unknown;
  config: Record<string, unknown>;
  now?: Date;
}): AppliedException | { invalid: string } | undefined {
  const now = args.now ?? new Date();
  const tags = raw((raw(args.props) as Record<string, unknown> | undefined)?.tags);
  if (tags && typeof tags === "object" && !Array.isArray(tags)) {
    for (const key of [
      `${EXCEPTION_TAG_PREFIX}${args.policy}/${args.rule}`,
      `${EXCEPTION_TAG_PREFIX}${args.policy}`,
    ]) {
      if (!(key in tags)) continue;
      const parsed = parseExceptionTag((tags as Record<string, unknown>)[key]);
      if (typeof parsed === "string") return { invalid: `tag ${key} does not apply: ${parsed}` };
      return { source: `tag ${key}`, ...parsed, expired: isExpired(parsed.expires, now) };
    }
  }
  const list = Array.isArray(args.config.exceptions) ? (args.config.exceptions as ConfigException[]) : [];
  for (const [i, e] of list.entries()) {
    if (e?.urn !== args.urn || (e.rule !== undefined && e.rule !== args.rule)) continue;
    const source = `config ${args.policy}.exceptions[${i}]`;
    if (typeof e.reason !== "string" || !e.reason.trim())
      return { invalid: `${source} does not apply: no reason` };
    const expires = typeof e.expires === "string" ? e.expires : undefined;
    if (e.expires !== undefined && (!expires || !DATE.test(expires)))
      return { invalid: `${source} does not apply: expires ${JSON.stringify(e.expires)} is not YYYY-MM-DD` };
    return {
      source,
      reason: e.reason.trim(),
      ...(expires ? { expires } : {}),
      expired: isExpired(expires, now),
    };
  }
  return undefined;
}

/** The message of an excepted or expired finding: the exception first, then the violation. */
export function exceptionMessage(rule: string, e: AppliedException, violation: string): string {
  const until = e.expires ? `expires ${e.expires}` : "no expiry";
  return e.expired
    ? `[${rule}] exception expired on ${e.expires} (${e.source}: ${e.reason}); renew or remove it: ${violation}`
    : `[${rule}] excepted (${e.source}: ${e.reason}; ${until}): ${violation}`;
}
