/*
 * `npm run new-domain -- --name <name> [--from orders|clickstream]`: scaffolds a data domain in
 * `stacks/<name>/` — its event schema, config schema, stack program, `Pulumi.yaml`, one
 * `Pulumi.<stack>.yaml` per stack the platform has, and a test — and touches nothing else: the
 * runtime registry, the Lambda bundle, samples, the local run, Lake Formation tag values, the API's
 * routes and the deploy order all discover the folder (runtime/schemas/discovery.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { DOMAIN_FILES, REPO_ROOT } from "../runtime/schemas/discovery";
import { UsageError } from "./local/errors";

/** Example domains a new one can start from: their schema and sample generator are copied, renamed. */
export const TEMPLATES = ["orders", "clickstream"] as const;
export type Template = (typeof TEMPLATES)[number];

/**
 * Longest domain name. The name prefixes every physical name of the domain's resources; the longest
 * child role is about 25 characters (`-aggregator-source`, `-processor-logs` under `<name>-health`)
 * and Pulumi's autonaming adds 8, while IAM role and Lambda function names stop at 64 and AWS Backup
 * selection names at 50: 24 leaves room everywhere.
 */
export const MAX_NAME_LENGTH = 24;

/** Names refused whatever the repository holds, with the reason. */
export const RESERVED_NAMES: Readonly<Record<string, string>> = {
  shared: "the Lake Formation `domain` tag value of platform-owned data",
  platform: "reads as the platform project",
  "data-platform": "the platform project (the repository root)",
  stacks: "the folder that holds the projects",
  pulumi: "Pulumi reserves it (config namespace, project name)",
};

/** Prefixes refused, with the reason. */
const RESERVED_PREFIXES: Readonly<Record<string, string>> = {
  aws: "AWS reserves names and tags starting with aws (tag keys `aws:`, service-linked roles)",
  amazon: "AWS reserves names starting with amazon in several services (SageMaker, Glue)",
};

const NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;

/**
 * Why `name` cannot be a new domain in `root`, or undefined when it can: Pulumi project names
 * (letters, digits, `-`, `_`, `.`) narrowed to what every AWS name derived from it accepts
 * (lowercase for S3 prefixes and Lake Formation tag values, no `_` or `.` which Glue and Kinesis
 * names treat differently), a length that keeps derived names within AWS limits, reserved words,
 * and no collision with an existing project.
 */
export function nameProblem(name: string, root: string = REPO_ROOT): string | undefined {
  if (name.length < 2 || name.length > MAX_NAME_LENGTH)
    return `2 to ${MAX_NAME_LENGTH} characters (it prefixes the names of the domain's AWS resources; IAM roles and Lambda functions allow 64)`;
  if (!NAME.test(name))
    return "lowercase letters, digits and dashes, starting with a letter and ending with a letter or digit (Pulumi project, Kinesis, DynamoDB, S3 prefix and Lake Formation tag rules together)";
  if (name.includes("--")) return "no double dash (Glue catalog names fold dashes into one underscore)";
  if (RESERVED_NAMES[name]) return `reserved: ${RESERVED_NAMES[name]}`;
  for (const [prefix, why] of Object.entries(RESERVED_PREFIXES)) {
    if (name.startsWith(prefix)) return `reserved prefix "${prefix}": ${why}`;
  }
  const taken = existingProjects(root);
  if (taken.has(name))
    return `collides with the existing project ${taken.get(name)} (choose another name, or edit that one)`;
  return undefined;
}

/** Project names in `root` (the platform and every `stacks/<dir>`), with where each lives. */
function existingProjects(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const read = (dir: string) => {
    const file = path.join(dir, "Pulumi.yaml");
    if (!fs.existsSync(file)) return;
    const m = /^name:[ \t]*["']?([^"'\s#]+)/m.exec(fs.readFileSync(file, "utf8"));
    if (m) out.set(m[1], path.relative(root, dir) || ".");
  };
  read(root);
  const stacks = path.join(root, "stacks");
  if (fs.existsSync(stacks)) {
    for (const d of fs.readdirSync(stacks)) {
      const dir = path.join(stacks, d);
      if (!fs.statSync(dir).isDirectory()) continue;
      out.set(d, `stacks/${d}`); // a folder without Pulumi.yaml still takes the name
      read(dir);
    }
  }
  return out;
}

/** The platform's stacks: every `Pulumi.<stack>.yaml` at the root (local, dev, prod, and any other). */
export function platformStacks(root: string = REPO_ROOT): string[] {
  return fs
    .readdirSync(root)
    .map((f) => /^Pulumi\.([\w.-]+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

const pascal = (name: string) =>
  name
    .split("-")
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join("");
const camel = (name: string) => pascal(name)[0].toLowerCase() + pascal(name).slice(1);
const upperSnake = (name: string) => name.replace(/-/g, "_").toUpperCase();

/**
 * `text` of an example domain with its name replaced: `"orders"` and prose → the new name,
 * `defineOrders`/`OrderEvent`-style identifiers → PascalCase, `ordersSchema` → camelCase.
 */
export function renameDomain(text: string, from: Template, name: string): string {
  const Pascal = pascal(from);
  // Names imported from shared code (e.g. `clickstreamEvent` of runtime/testing) keep their name.
  const imported = [...text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}/g)]
    .flatMap((m) => m[1].split(","))
    .map((n) => n.trim().split(/\s+as\s+/)[0])
    .filter(Boolean);
  const hold = (s: string) =>
    imported.reduce((t, n, i) => t.replace(new RegExp(`\\b${n}\\b`, "g"), `@@imported${i}@@`), s);
  const release = (s: string) => s.replace(/@@imported(\d+)@@/g, (_, i: string) => imported[Number(i)]);
  return release(
    hold(text)
      .replace(new RegExp(`"${from}"`, "g"), JSON.stringify(name))
      .replace(new RegExp(Pascal, "g"), pascal(name))
      .replace(new RegExp(`\\b${from}(?=[A-Z])`, "g"), camel(name))
      .replace(new RegExp(`\\b${from}\\b`, "g"), name),
  );
}

/** The config defaults of each template (what the examples' `config.ts` declare), or a new domain's. */
const CONFIG_DEFAULTS: Record<
  Template | "events",
  { averageRecordBytes: number; windowSeconds: number; ttlDays: number }
> = {
  orders: { averageRecordBytes: 2048, windowSeconds: 300, ttlDays: 400 },
  clickstream: { averageRecordBytes: 350, windowSeconds: 60, ttlDays: 30 },
  events: { averageRecordBytes: 512, windowSeconds: 60, ttlDays: 90 },
};

function genericSchema(name: string): string {
  const P = pascal(name);
  const c = camel(name);
  const TYPES = `${upperSnake(name)}_EVENT_TYPES`;
  return `import { z } from "zod";
import { canonicalTime } from "../../runtime/schemas/time";
import type { DataProduct, Item } from "../../runtime/schemas/types";

/** Event types of the ${name} data product: replace them with your domain's. */
export const ${TYPES} = ["created", "updated", "deleted"] as const;

/** Builds the ${name} event schema (call once per container; see \`define${P}\`). */
export function ${c}Schema() {
  return z.object({
    eventId: z.string().min(1).max(128),
    entityId: z.string().min(1).max(128),
    eventType: z.enum(${TYPES}),
    occurredAt: z.iso.datetime({ offset: true }),
    amount: z.number().nonnegative().max(1_000_000_000).optional(),
    attributes: z.record(z.string().max(64), z.union([z.string().max(1024), z.number(), z.boolean()])).optional(),
  });
}

export type ${P}Event = z.infer<ReturnType<typeof ${c}Schema>>;

/**
 * ${name} events: one immutable serving-table item per event (idempotent by event id), the raw
 * events in the lake partitioned by event time, and event counts per type in real-time windows.
 *
 * @example
 * const product = define${P}();
 * product.toItem(product.schema.parse(event)); // { eventId, entityId, eventType, occurredAt, ... }
 */
export function define${P}(): DataProduct<${P}Event> {
  return {
    name: ${JSON.stringify(name)},
    schema: z.compile(${c}Schema()),
    tableKey: { hashKey: "eventId" },
    writeMode: "immutable",
    toItem: (e) => {
      const item: Item = {
        eventId: e.eventId,
        entityId: e.entityId,
        eventType: e.eventType,
        occurredAt: canonicalTime(e.occurredAt),
      };
      if (e.amount !== undefined) item.amount = e.amount;
      if (e.attributes !== undefined) item.attributes = e.attributes;
      return item;
    },
    eventTime: (e) => e.occurredAt,
    idempotencyKey: (e) => e.eventId,
    aggregate: {
      description: "events by type",
      key: (e) => e.eventType,
      value: () => 1,
    },
  };
}

/** The ${name} domain's data product, as the runtime registry discovers it (runtime/schemas). */
export const defineDataProduct = define${P};
`;
}

function configSource(name: string, template: Template | "events"): string {
  const d = CONFIG_DEFAULTS[template];
  return `import { streamingDomainConfigSchema } from "../../components/streaming/dataProduct";

/** Configuration of the ${name} domain (keys \`${name}:*\`): the defaults of its data product. */
export const configSchema = streamingDomainConfigSchema({
  averageRecordBytes: ${d.averageRecordBytes},
  windowSeconds: ${d.windowSeconds},
  ttlDays: ${d.ttlDays},
});
`;
}

function indexSource(name: string): string {
  return `/**
 * The ${name} domain: events on a KMS-encrypted stream, a processor that validates them against
 * \`schema.ts\` into the serving table and the lake (partitioned by event time), real-time window
 * aggregates, a Glue table over the raw events, alarms and a dashboard.
 */
import { loadDomain } from "../../components/core/domain";
import { Dashboard } from "../../components/observability";
import { streamingDataProduct } from "../../components/streaming/dataProduct";
import { configSchema } from "./config";

export = async () => {
  const domain = await loadDomain(configSchema);
  const { pipeline, lake } = streamingDataProduct(${JSON.stringify(name)}, domain);

  new Dashboard(
    ${JSON.stringify(name)},
    { sections: { ${JSON.stringify(`${name} pipeline`)}: pipeline.keyMetrics } },
    { provider: domain.providers.primary },
  );

  // The API stack reads streamName and servingTableName by these names.
  return {
    streamName: pipeline.stream.name,
    streamArn: pipeline.stream.arn,
    servingTableName: pipeline.table.name,
    windowTableName: pipeline.windowTable?.name,
    deliveryStreamName: pipeline.deliveryStream.name,
    processorName: pipeline.processor.name,
    rawDatabase: lake.database.databaseName,
    rawTable: lake.table.tableName,
  };
};
`;
}

function projectSource(name: string): string {
  return `name: ${name}
description: The ${name} data domain - stream, processor, serving table, lake delivery and real-time windows
runtime:
  name: nodejs
  options:
    packagemanager: npm
    # cmd/run uses a tsconfig only from this folder or named here; without one its defaults
    # (non-strict) reject code the root tsconfig accepts. Type-check the way \`npm run typecheck\` does.
    tsconfig: ../../tsconfig.json
main: index.ts
`;
}

function stackSource(name: string, stack: string): string {
  const owner = stack === "local" ? "local-developer" : `${name}-team`;
  return `# ${name}:costCenter defaults to the platform's; set ${name}:peakRecordsPerSecond to provision shards.
config:
  ${name}:owner: ${owner}
  ${name}:dataClassification: internal
`;
}

function testSource(name: string): string {
  const P = pascal(name);
  return `import { validSamples } from "../../cli/local/sample";
import { buildDataProduct, dataProductNames } from "../../runtime/schemas";

describe("the ${name} data product", () => {
  it("is discovered by the runtime registry", () => {
    expect(dataProductNames()).toContain(${JSON.stringify(name)});
  });

  it("accepts its sample records and keys each one in the serving table", () => {
    const product = buildDataProduct(${JSON.stringify(name)});
    const records = validSamples(${JSON.stringify(name)}, 20, 7).map((line) => product.schema.parse(JSON.parse(line)));
    for (const record of records) {
      const item = product.toItem(record);
      expect(typeof item[product.tableKey.hashKey]).toBe("string");
      expect(Number.isNaN(Date.parse(product.eventTime(record)))).toBe(false);
    }
  });

  it("refuses a record without its fields", () => {
    expect(buildDataProduct(${JSON.stringify(name)}).schema.safeParse({}).success).toBe(false);
  });
});

// ${P}: edit schema.ts, then \`npm run sample -- --domain ${name} > ${name}.ndjson\` and \`npm run local -- --domain ${name} --file ${name}.ndjson\`.
`;
}

/** The files of a new domain, by path relative to its folder. */
export function domainFiles(
  name: string,
  options: { from?: Template; root?: string } = {},
): Record<string, string> {
  const root = options.root ?? REPO_ROOT;
  const files: Record<string, string> = {
    [DOMAIN_FILES.project]: projectSource(name),
    "config.ts": configSource(name, options.from ?? "events"),
    "index.ts": indexSource(name),
    [`${DOMAIN_FILES.schema.replace(/\.ts$/, "")}.test.ts`]: testSource(name),
  };
  for (const stack of platformStacks(root)) files[`Pulumi.${stack}.yaml`] = stackSource(name, stack);
  if (options.from) {
    const source = path.join(root, "stacks", options.from);
    for (const f of [DOMAIN_FILES.schema, DOMAIN_FILES.sample]) {
      const file = path.join(source, f);
      if (fs.existsSync(file)) files[f] = renameDomain(fs.readFileSync(file, "utf8"), options.from, name);
    }
    if (!files[DOMAIN_FILES.schema])
      throw new UsageError(`--from ${options.from}: stacks/${options.from}/schema.ts is missing`);
  } else {
    files[DOMAIN_FILES.schema] = genericSchema(name);
  }
  return files;
}

/** Writes `stacks/<name>/`; refuses (UsageError, exit 2) a name that `nameProblem` rejects. */
export function scaffoldDomain(
  name: string,
  options: { from?: Template; root?: string } = {},
): { dir: string; files: string[] } {
  const root = options.root ?? REPO_ROOT;
  const problem = nameProblem(name, root);
  if (problem) throw new UsageError(`--name ${JSON.stringify(name)}: ${problem}`);
  const dir = path.join(root, "stacks", name);
  const files = domainFiles(name, options);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return { dir, files: Object.keys(files).sort() };
}

const USAGE = `usage: npm run new-domain -- --name <name> [--from ${TEMPLATES.join("|")}]
  --name   the domain: its folder stacks/<name>, Pulumi project, data product, LF-tag value and API
           route /v1/<name>; lowercase letters, digits and dashes, 2-${MAX_NAME_LENGTH} characters
  --from   start from an example domain's event schema and sample generator (default: a generic
           event schema to edit)`;

export function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: { name: { type: "string" }, from: { type: "string" }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.name) throw new UsageError(`--name is required\n${USAGE}`);
  if (values.from !== undefined && !(TEMPLATES as readonly string[]).includes(values.from))
    throw new UsageError(`--from ${values.from}: one of ${TEMPLATES.join(", ")}`);
  const { dir, files } = scaffoldDomain(values.name, { from: values.from as Template | undefined });
  const rel = path.relative(process.cwd(), dir) || ".";
  console.log(`created ${rel}/: ${files.join(", ")}`);
  console.log(
    [
      "next:",
      `  1. edit ${rel}/schema.ts (your events) and ${rel}/Pulumi.<stack>.yaml (owner, cost center)`,
      `  2. npm run sample -- --domain ${values.name} --count 3`,
      `  3. npx jest ${rel} && npm run plan -- --env dev`,
      `  4. npm run sample -- --domain ${values.name} --count 20 > ${values.name}.ndjson && npm run local -- --domain ${values.name} --file ${values.name}.ndjson`,
    ].join("\n"),
  );
  return 0;
}

if (require.main === module) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (e) {
    if (e instanceof UsageError || (e instanceof Error && e.name === "TypeError" && "code" in e)) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}
