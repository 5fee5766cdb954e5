/**
 * Regional failover, step 5 of docs/runbook-dr.md: the DR copy of a domain stack must adopt the
 * serving and window tables that already exist in the DR region (global-table replicas) instead of
 * creating them. This builds the `pulumi import --file` document for that, offline, from
 *
 * - the domain's plan (`pulumi preview --json` of the DR stack, or the offline plan `npm run plan`
 *   writes): which `aws:dynamodb/table:Table` resources the program declares, with their parents;
 * - the primary stack's outputs (`pulumi stack output --json`): the physical table names, which the
 *   replicas share.
 *
 * The document also creates, empty, the component resources the tables sit under (the next `pulumi
 * up` fills them in), and points each table at the explicit provider the program gives it, which
 * `pulumi import` does not create: `--provider-targets` prints the `--target` arguments of the
 * `pulumi up` that creates it first.
 *
 * Usage (docs/runbook-dr.md, section 3):
 *   pulumi stack output --stack <org>/orders/prod --json > orders-prod.json
 *   (cd stacks/orders && pulumi preview --stack <org>/orders/dr --json > ../../orders-dr-preview.json)
 *   npx tsx cli/dr/adopt.ts --plan orders-dr-preview.json --outputs orders-prod.json > orders-import.json
 *   (cd stacks/orders && pulumi up --stack <org>/orders/dr --yes \
 *      $(npx tsx ../../cli/dr/adopt.ts --plan ../../orders-dr-preview.json --outputs ../../orders-prod.json --provider-targets))
 *   (cd stacks/orders && pulumi import --stack <org>/orders/dr --file ../../orders-import.json --protect=false --yes)
 */
import * as fs from "node:fs";
import { existingFile, parseCommandLine, runCommand, UsageError } from "../args";

const USAGE =
  "usage: npx tsx cli/dr/adopt.ts --plan <dr-preview.json> --outputs <primary-outputs.json> [--provider-targets] > import.json";

/** The part of a preview step this needs. */
export interface PlanStepLike {
  readonly urn: string;
  readonly newState?: {
    readonly type: string;
    readonly parent?: string;
    readonly custom?: boolean;
    /** `<provider urn>::<provider id>` of a custom resource. */
    readonly provider?: string;
  };
}

/** One entry of a `pulumi import --file` document. */
export interface ImportResource {
  readonly type: string;
  /** Key of the entry in this document (parents and providers refer to it). */
  readonly name: string;
  /** The resource's name in the stack when it differs from `name`. */
  readonly logicalName?: string;
  /** Physical id of a custom resource to adopt. */
  readonly id?: string;
  /** An empty component resource created to parent the adopted ones (Pulumi 3.94+). */
  readonly component?: true;
  /** `name` of the parent entry, or a `nameTable` key. Default: the stack. */
  readonly parent?: string;
  /** `nameTable` key of the provider the program gives the resource. */
  readonly provider?: string;
}

/**
 * `pulumi import --file` document (https://www.pulumi.com/docs/iac/adopting-pulumi/import/): the
 * tables, the component resources the program declares them under (created empty, filled in by the
 * next `pulumi up`), and the explicit provider each table uses (which must exist in the stack first:
 * `providerTargets` lists the `pulumi up --target` that creates it).
 */
export interface ImportFile {
  readonly nameTable: Record<string, string>;
  readonly resources: ImportResource[];
}

/** Output that names each table, by the role suffix of the table's resource name. */
export const TABLE_OUTPUTS: Readonly<Record<string, string>> = {
  "-table": "servingTableName",
  "-windows": "windowTableName",
};

const TABLE_TYPE = "aws:dynamodb/table:Table";

/** The last `::` segment of a URN: the resource's name. */
function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** The type segment of a URN (the last `$`-separated type of `<project>::<types>::<name>`). */
function typeOf(urn: string): string {
  const types = urn.split("::")[2] ?? "";
  return types.slice(types.lastIndexOf("$") + 1);
}

const isStack = (urn: string) => typeOf(urn) === "pulumi:pulumi:Stack";

/** The provider URN of a `<urn>::<id>` provider reference. */
function providerUrn(ref: string): string {
  return ref.slice(0, ref.lastIndexOf("::"));
}

/**
 * The import document adopting every DynamoDB table of `steps` with the physical name the primary's
 * `outputs` give it, under the components and with the provider the program declares. Throws naming
 * the table and the output when a name is missing, so nothing is half-adopted.
 */
export function adoptTablesImport(
  steps: readonly PlanStepLike[],
  outputs: Record<string, unknown>,
): ImportFile {
  const byUrn = new Map(steps.map((s) => [s.urn, s]));
  const nameTable: Record<string, string> = {};
  const resources: ImportResource[] = [];
  const keys = new Map<string, string>(); // urn -> entry name
  const problems: string[] = [];
  const keyFor = (urn: string) => {
    const existing = keys.get(urn);
    if (existing) return existing;
    const taken = new Set([...keys.values(), ...Object.keys(nameTable)]);
    let key = nameOf(urn);
    for (let n = 2; taken.has(key); n++) key = `${nameOf(urn)}#${n}`;
    keys.set(urn, key);
    return key;
  };
  /** Adds the component ancestors of `parentUrn` (outermost first); returns the entry name to parent to. */
  const addComponents = (parentUrn: string | undefined): string | undefined => {
    if (!parentUrn || isStack(parentUrn)) return undefined;
    if (keys.has(parentUrn)) return keys.get(parentUrn);
    const grandParent = addComponents(byUrn.get(parentUrn)?.newState?.parent);
    const name = keyFor(parentUrn);
    resources.push({
      type: typeOf(parentUrn),
      name,
      ...(name !== nameOf(parentUrn) ? { logicalName: nameOf(parentUrn) } : {}),
      component: true,
      ...(grandParent ? { parent: grandParent } : {}),
    });
    return name;
  };
  for (const step of steps) {
    if (step.newState?.type !== TABLE_TYPE) continue;
    const name = nameOf(step.urn);
    const suffix = Object.keys(TABLE_OUTPUTS).find((s) => name.endsWith(s));
    const output = suffix ? TABLE_OUTPUTS[suffix] : undefined;
    const id = output ? outputs[output] : undefined;
    if (!output || typeof id !== "string" || !id) {
      problems.push(
        `${name}: no physical name (${output ? `output "${output}" is ${JSON.stringify(id)}` : `a table name ending in ${Object.keys(TABLE_OUTPUTS).join(" or ")} is expected`})`,
      );
      continue;
    }
    const parent = addComponents(step.newState.parent);
    const providerRef = step.newState.provider;
    let provider: string | undefined;
    if (providerRef) {
      const urn = providerUrn(providerRef);
      provider = Object.entries(nameTable).find(([, u]) => u === urn)?.[0] ?? nameOf(urn);
      nameTable[provider] = urn;
    }
    const key = keyFor(step.urn);
    resources.push({
      type: TABLE_TYPE,
      name: key,
      ...(key !== name ? { logicalName: name } : {}),
      id,
      ...(parent ? { parent } : {}),
      ...(provider ? { provider } : {}),
    });
  }
  if (problems.length) throw new Error(`cannot adopt the DR tables:\n  - ${problems.join("\n  - ")}`);
  if (!resources.some((r) => r.type === TABLE_TYPE))
    throw new Error("cannot adopt the DR tables: the plan declares no aws:dynamodb/table:Table");
  return { nameTable, resources };
}

/**
 * The providers the import refers to: they must be in the stack before `pulumi import` (it creates
 * components, not providers), so `pulumi up --target <urn>` creates each first.
 */
export function providerTargets(file: ImportFile): string[] {
  return [...new Set(Object.values(file.nameTable))];
}

/** A JSON file given with `--<flag>`; a missing file or bad JSON is a `UsageError` naming it. */
function readJson(flag: string, value: string | undefined): unknown {
  if (!value) throw new UsageError(`--${flag} <file> is required\n${USAGE}`);
  const file = existingFile(flag, value);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`--${flag} ${value}: not JSON (${(e as Error).message})`);
  }
}

async function main(): Promise<number> {
  const { values } = parseCommandLine(
    {
      options: {
        plan: { type: "string" },
        outputs: { type: "string" },
        "provider-targets": { type: "boolean" },
      },
    },
    USAGE,
  );
  const plan = readJson("plan", values.plan) as { steps?: PlanStepLike[] };
  if (!Array.isArray(plan?.steps))
    throw new UsageError(`--plan ${values.plan}: not a preview document (no "steps" array)`);
  const outputs = readJson("outputs", values.outputs);
  if (!outputs || typeof outputs !== "object" || Array.isArray(outputs))
    throw new UsageError(
      `--outputs ${values.outputs}: not \`pulumi stack output --json\` (an object expected)`,
    );
  const file = adoptTablesImport(plan.steps, outputs as Record<string, unknown>);
  process.stdout.write(
    values["provider-targets"]
      ? `${providerTargets(file)
          .map((urn) => `--target ${urn}`)
          .join(" ")}\n`
      : `${JSON.stringify(file, null, 2)}\n`,
  );
  return 0;
}

if (require.main === module) runCommand(main, { plainErrors: () => true });
