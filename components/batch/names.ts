import { createHash } from "node:crypto";

/** Constraints of a service's physical names. */
export interface NameRules {
  /** Longest name the service accepts. */
  readonly maxLength: number;
  /** Separator allowed by the service. Default `-`. */
  readonly separator?: "-" | "_";
}

/**
 * A physical name for resources whose name AWS requires up front (Redshift cluster identifiers,
 * Redshift Serverless namespaces and workgroups, MWAA environments): lower case, starting with a
 * letter, no doubled separators, ending with a short hash of every part so two instances (other
 * component name, stack or project) never collide even when truncated.
 *
 * @example physicalName(["data-platform", "dev", "warehouse"], { maxLength: 63 }) // "data-platform-dev-warehouse-1a2b3c"
 */
export function physicalName(parts: readonly string[], rules: NameRules): string {
  const sep = rules.separator ?? "-";
  const hash = createHash("sha256").update(parts.join("/")).digest("hex").slice(0, 6);
  const cleaned = parts
    .join(sep)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, sep)
    .replace(new RegExp(`\\${sep}+`, "g"), sep)
    .replace(new RegExp(`^[^a-z]+|\\${sep}+$`, "g"), "");
  const room = rules.maxLength - hash.length - 1;
  const head = cleaned.slice(0, room).replace(new RegExp(`\\${sep}+$`), "");
  return `${head || "r"}${sep}${hash}`;
}
