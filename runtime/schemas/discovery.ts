import * as fs from "node:fs";
import * as path from "node:path";

/*
 * Domain discovery: a data domain is a folder `stacks/<name>/` holding a Pulumi project
 * (`Pulumi.yaml`) and the data product it owns (`schema.ts`). Everything that needs the list of
 * domains — the runtime registry and the Lambda bundle, sample records, Lake Formation tag values,
 * the API's routes — reads it from here, so adding a domain is adding a folder.
 *
 * Only Node built-ins are used: stack programs, the CLI and the runtime registry all load this.
 */

/** The repository root (the platform project's folder). */
export const REPO_ROOT = path.resolve(__dirname, "../..");

/** File names a domain folder may hold, by role. */
export const DOMAIN_FILES = {
  /** The Pulumi project; its `name` is the folder name. */
  project: "Pulumi.yaml",
  /** The event schema: exports `defineDataProduct(): DataProduct<T>` (required). */
  schema: "schema.ts",
  /** A hand-written sample generator: exports `sample(i, random)` (optional; default: derived from the schema). */
  sample: "sample.ts",
} as const;

/** One discovered data domain. */
export interface DomainFolder {
  /** The domain, its Pulumi project and its data product name (= the folder name). */
  readonly name: string;
  /** Absolute path of `stacks/<name>`. */
  readonly dir: string;
  /** Absolute path of its `schema.ts`. */
  readonly schemaFile: string;
  /** Absolute path of its `sample.ts`, when the domain has one. */
  readonly sampleFile?: string;
}

/** The `name:` of a Pulumi.yaml (a top-level scalar; enough for the files this repository writes). */
function projectName(file: string): string | undefined {
  const m = /^name:[ \t]*["']?([^"'\s#]+)["']?[ \t]*(?:#.*)?$/m.exec(fs.readFileSync(file, "utf8"));
  return m?.[1];
}

/**
 * Every data domain under `<root>/stacks`, sorted by name. A project folder without `schema.ts`
 * (the API, Deployments) is not a domain. A domain whose project name differs from its folder is
 * an error naming both: the folder name is the data product, the LF-tag value and the API route.
 *
 * @example
 * discoverDomains().map((d) => d.name); // ["clickstream", "orders"]
 */
export function discoverDomains(root: string = REPO_ROOT): DomainFolder[] {
  const stacks = path.join(root, "stacks");
  if (!fs.existsSync(stacks)) return [];
  const out: DomainFolder[] = [];
  for (const name of fs.readdirSync(stacks).sort()) {
    const dir = path.join(stacks, name);
    const project = path.join(dir, DOMAIN_FILES.project);
    const schemaFile = path.join(dir, DOMAIN_FILES.schema);
    if (!fs.existsSync(project) || !fs.existsSync(schemaFile)) continue;
    const declared = projectName(project);
    if (declared !== name) {
      throw new Error(
        `${path.relative(root, project)}: name = ${JSON.stringify(declared ?? null)}: a domain's project name must be its folder name "${name}"`,
      );
    }
    const sampleFile = path.join(dir, DOMAIN_FILES.sample);
    out.push({ name, dir, schemaFile, ...(fs.existsSync(sampleFile) ? { sampleFile } : {}) });
  }
  return out;
}

/** The names of every discovered domain, sorted. */
export function domainNames(root: string = REPO_ROOT): string[] {
  return discoverDomains(root).map((d) => d.name);
}
