import * as pulumi from "@pulumi/pulumi";

/**
 * A Glue/Athena identifier (database or table name): lower-case letters, digits and underscores,
 * as Athena requires without quoting. Parts are joined with `_`.
 *
 * @example catalogName("data-platform", "dev", "raw") // "data_platform_dev_raw"
 */
export function catalogName(...parts: string[]): string {
  const name = parts
    .map((p) => p.toLowerCase().replace(/[^a-z0-9_]+/g, "_"))
    .join("_")
    .replace(/_+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (name === "" || name.length > 255) {
    throw new Error(`catalog name from ${JSON.stringify(parts)} is "${name}": 1 to 255 characters`);
  }
  return /^[0-9]/.test(name) ? `t_${name}` : name;
}

/** The default prefix of catalog names in the running stack: `<project>_<stack>`. */
export function stackCatalogPrefix(): string {
  return catalogName(pulumi.getProject(), pulumi.getStack());
}
