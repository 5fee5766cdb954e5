/**
 * Reading resource-based policies (bucket, topic, queue, secret and key policies, role trust
 * policies): which Allow statements reach everyone, and which accounts a statement names. A
 * wildcard principal is public unless a condition pins it to named accounts, organizations, ARNs
 * or VPC endpoints; a condition on anything else (`aws:SecureTransport`, `kms:CallerAccount: "*"`)
 * does not scope it.
 */
import { asList, type IamStatement, statementsOf } from "./values";

/** Condition keys whose concrete values limit who can use a wildcard-principal statement (lower case). */
const SCOPING_KEYS = new Set([
  "aws:sourceaccount",
  "aws:sourcearn",
  "aws:sourceowner",
  "aws:sourceorgid",
  "aws:sourceorgpaths",
  "aws:sourcevpc",
  "aws:sourcevpce",
  "aws:principalaccount",
  "aws:principalarn",
  "aws:principalorgid",
  "aws:principalorgpaths",
  "aws:resourceaccount",
  "kms:calleraccount",
]);

/** True when a condition value names something concrete (not `*`, `?` or empty). */
function concrete(v: unknown): boolean {
  return (
    typeof v === "string" && v.replace(/[*?]/g, "").length > 0 && !/^arn:aws[a-z-]*:[^:]*:[^:]*:\*/.test(v)
  );
}

/**
 * True when the statement's condition limits it to named principals: a positive string or ARN
 * operator (not `...Not...`, not `...IfExists`) on a scoping key, every value concrete.
 */
export function hasScopingCondition(st: IamStatement): boolean {
  for (const [operator, block] of Object.entries(st.Condition ?? {})) {
    if (
      /not|ifexists/i.test(operator) ||
      !/^(string|arn)/i.test(operator.replace(/^for(all|any)values:/i, ""))
    )
      continue;
    for (const [key, value] of Object.entries(block ?? {})) {
      const values = asList(value);
      if (SCOPING_KEYS.has(key.toLowerCase()) && values.length && values.every(concrete)) return true;
    }
  }
  return false;
}

/** The AWS principals a principal block names (`"*"` for everyone). */
export function awsPrincipals(principal: unknown): string[] {
  if (principal === "*") return ["*"];
  if (!principal || typeof principal !== "object") return [];
  return asList((principal as Record<string, unknown>).AWS).map(String);
}

/** True when a principal block reaches every AWS account: `"*"`, `{ AWS: "*" }` or an account wildcard such as `arn:aws:iam::*:root`. */
export function isPublicPrincipal(principal: unknown): boolean {
  if (principal === "*") return true;
  if (!principal || typeof principal !== "object") return false;
  return Object.entries(principal as Record<string, unknown>).some(([kind, v]) =>
    asList(v).some((p) => p === "*" || (kind === "AWS" && /^arn:aws[a-z-]*:iam::\*/.test(String(p)))),
  );
}

/** The Allow statements of a resource policy that everyone can use. */
export function publicStatements(doc: unknown): IamStatement[] {
  return statementsOf(doc).filter(
    (st) => st.Effect === "Allow" && isPublicPrincipal(st.Principal) && !hasScopingCondition(st),
  );
}

/** The 12-digit account of a principal (`123456789012`, `arn:aws:iam::123456789012:root`, a role ARN), if it names one. */
export function accountOf(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}
