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
 * Usage:
 *   pulumi stack output --stack <org>/orders/prod --json > orders-prod.json
 *   (cd stacks/orders && pulumi preview --stack <org>-dr/orders/prod --json > ../../orders-dr-preview.json)
 *   npx tsx cli/dr/adopt.ts --plan orders-dr-preview.json --outputs orders-prod.json > orders-import.json
 *   (cd stacks/orders && pulumi import --stack <org>-dr/orders/prod --file ../../orders-import.json --yes)
 */
import * as fs from "node:fs";
import { existingFile, parseCommandLine, runCommand, UsageError } from "../args";

const USAGE =
  "usage: npx tsx cli/dr/adopt.ts --plan <dr-preview.json> --outputs <primary-outputs.json> > import.json";

/** The part of a preview step this needs. */
export interface PlanStepLike {
  readonly urn: string;
  readonly newState?: { readonly type: string; readonly parent?: string };
}

/** `pulumi import --file` document (https://www.pulumi.com/docs/iac/adopting-pulumi/import/). */
export interface ImportFile {
  readonly nameTable: Record<string, string>;
  readonly resources: { type: string; name: string; id: string; parent?: string }[];
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

/**
 * The import document adopting every DynamoDB table of `steps` with the physical name the primary's
 * `outputs` give it. Throws naming the table and the output when a name is missing, so nothing is
 * half-adopted.
 */
export function adoptTablesImport(
  steps: readonly PlanStepLike[],
  outputs: Record<string, unknown>,
): ImportFile {
  const nameTable: Record<string, string> = {};
  const resources: ImportFile["resources"] = [];
  const problems: string[] = [];
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
    const parentUrn = step.newState.parent;
    const parentKey =
      parentUrn && !parentUrn.includes("::pulumi:pulumi:Stack::") ? nameOf(parentUrn) : undefined;
    if (parentKey && parentUrn) nameTable[parentKey] = parentUrn;
    resources.push({ type: TABLE_TYPE, name, id, ...(parentKey ? { parent: parentKey } : {}) });
  }
  if (problems.length) throw new Error(`cannot adopt the DR tables:\n  - ${problems.join("\n  - ")}`);
  if (!resources.length)
    throw new Error("cannot adopt the DR tables: the plan declares no aws:dynamodb/table:Table");
  return { nameTable, resources };
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
    { options: { plan: { type: "string" }, outputs: { type: "string" } } },
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
  process.stdout.write(
    `${JSON.stringify(adoptTablesImport(plan.steps, outputs as Record<string, unknown>), null, 2)}\n`,
  );
  return 0;
}

if (require.main === module) runCommand(main, { plainErrors: () => true });
