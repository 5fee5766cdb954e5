import * as fs from "node:fs";
import * as path from "node:path";
import { parseCommandLine, projectDirectories, UsageError } from "../args";
import { ENVIRONMENTS } from "../../config/schema";
import type { ProjectPlan } from "../../harness/evaluate";
import { REPO_ROOT } from "../../harness/projects";
import { dataPlane } from "./model";

/*
 * `npm run graph`: a Mermaid diagram of the projects, the StackReferences between them and their
 * main resources, from the offline plan. The README embeds it between markers; a test fails when
 * the committed diagram no longer matches the code (`npm run graph -- --env dev --write` fixes it).
 */

export const README = path.join(REPO_ROOT, "README.md");
export const BEGIN = (env: string) =>
  `<!-- graph:begin env=${env} (npm run graph -- --env ${env} --write) -->`;
export const END = "<!-- graph:end -->";

/** Types drawn as nodes with their wiring; everything else is counted by type. */
const DATA_PLANE_TYPES = [
  "Stream",
  "Function",
  "Table",
  "FirehoseDeliveryStream",
  "Bucket",
  "BucketV2",
  "EventSourceMapping",
];

const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_");
const logical = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const short = (type: string) => type.split(":")[2] ?? type;

/** The diagram, deterministic for a set of plans. */
export function mermaid(plans: readonly ProjectPlan[]): string {
  const lines = ["flowchart LR"];
  const edges: string[] = [];
  const sorted = [...plans].sort((a, b) => a.project.name.localeCompare(b.project.name));
  for (const plan of sorted) {
    const p = plan.project.name;
    const unsorted = dataPlane([plan]);
    // Registration order varies between evaluations (resources wait on different outputs): sort by name.
    const byUrn = <T extends { urn: string }>(xs: readonly T[]) =>
      [...xs].sort((a, b) => logical(a.urn).localeCompare(logical(b.urn)));
    const plane = {
      ...unsorted,
      streams: byUrn(unsorted.streams),
      functions: byUrn(unsorted.functions),
      tables: byUrn(unsorted.tables),
      deliveries: byUrn(unsorted.deliveries),
      buckets: byUrn(unsorted.buckets),
      mappings: [...unsorted.mappings].sort((a, b) => a.functionName.localeCompare(b.functionName)),
    };
    lines.push(`  subgraph ${id(p)}["${p}"]`);
    const node = (urn: string, label: string) => {
      const n = `${id(p)}__${id(logical(urn))}`;
      lines.push(`    ${n}["${label}"]`);
      return n;
    };
    const byName = new Map<string, string>();
    for (const s of plane.streams) byName.set(`stream:${s.name}`, node(s.urn, `Kinesis ${logical(s.urn)}`));
    for (const f of plane.functions) byName.set(`fn:${f.name}`, node(f.urn, `Lambda ${logical(f.urn)}`));
    for (const t of plane.tables) byName.set(`table:${t.name}`, node(t.urn, `DynamoDB ${logical(t.urn)}`));
    for (const d of plane.deliveries)
      byName.set(`delivery:${d.name}`, node(d.urn, `Firehose ${logical(d.urn)}`));
    for (const b of plane.buckets) byName.set(`bucket:${b.name}`, node(b.urn, `S3 ${logical(b.urn)}`));
    for (const m of plane.mappings) {
      const from = byName.get(`stream:${m.streamName}`);
      const to = byName.get(`fn:${m.functionName}`);
      if (from && to) edges.push(`  ${from} --> ${to}`);
    }
    for (const f of plane.functions) {
      const from = byName.get(`fn:${f.name}`)!;
      for (const [k, kind] of [
        ["TABLE_NAME", "table"],
        ["DELIVERY_STREAM_NAME", "delivery"],
        ["DEAD_LETTER_BUCKET", "bucket"],
      ] as const) {
        const to = f.environment[k] ? byName.get(`${kind}:${f.environment[k]}`) : undefined;
        if (to) edges.push(`  ${from} --> ${to}`);
      }
    }
    for (const d of plane.deliveries) {
      const to = byName.get(`bucket:${d.bucket}`);
      if (to) edges.push(`  ${byName.get(`delivery:${d.name}`)} --> ${to}`);
    }
    // Everything else, as counts by type (custom resources, providers and the data plane excluded).
    const shown = new Set(DATA_PLANE_TYPES);
    const counts = new Map<string, number>();
    for (const step of plan.document.steps) {
      const s = step.newState;
      if (!s?.custom || s.type.startsWith("pulumi:") || shown.has(short(s.type))) continue;
      counts.set(short(s.type), (counts.get(short(s.type)) ?? 0) + 1);
    }
    if (counts.size) {
      const text = [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([t, c]) => `${c} ${t}`)
        .join("<br/>");
      lines.push(`    ${id(p)}__other["${text}"]`);
    }
    lines.push("  end");
  }
  lines.push(...edges);
  for (const plan of sorted) {
    for (const ref of [...new Set(plan.references.map((r) => r.split("/")[0]))].sort()) {
      if (ref !== plan.project.name)
        lines.push(`  ${id(ref)} -. "StackReference" .-> ${id(plan.project.name)}`);
    }
  }
  return lines.join("\n");
}

/** The README block for an environment. */
export function readmeBlock(env: string, diagram: string): string {
  return `${BEGIN(env)}\n\n\`\`\`mermaid\n${diagram}\n\`\`\`\n\n${END}`;
}

/** The diagram currently embedded in the README for `env`, or undefined. */
export function embedded(readme: string, env: string): string | undefined {
  const start = readme.indexOf(BEGIN(env));
  if (start < 0) return undefined;
  const end = readme.indexOf(END, start);
  return end < 0 ? undefined : readme.slice(start, end + END.length);
}

const GRAPH_USAGE = `usage: npm run graph -- [--env <${ENVIRONMENTS.join("|")}>] [--write] [--project-dir <dir>]...`;

export async function graph(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(
    {
      args: argv,
      options: {
        env: { type: "string" },
        write: { type: "boolean" },
        "project-dir": { type: "string", multiple: true },
      },
    },
    GRAPH_USAGE,
  );
  const env = values.env ?? "dev";
  if (!(ENVIRONMENTS as readonly string[]).includes(env))
    throw new UsageError(`--env must be one of ${ENVIRONMENTS.join(", ")} (got ${env})\n${GRAPH_USAGE}`);
  const dirs = projectDirectories("project-dir", values["project-dir"]);
  const { checkStackFiles, localProjects } = await import("../stackFiles");
  for (const warning of checkStackFiles(env, localProjects(dirs)))
    process.stderr.write(`warning: ${warning}\n`);
  // The evaluation harness loads in seconds: only once the arguments hold.
  const { evaluateProjects } = await import("../../harness/evaluate");
  const plans = await evaluateProjects({ stack: env, projects: localProjects(dirs) });
  const diagram = mermaid(plans);
  if (!values.write) {
    process.stdout.write(diagram + "\n");
    return 0;
  }
  const readme = fs.readFileSync(README, "utf8");
  const current = embedded(readme, env);
  const block = readmeBlock(env, diagram);
  if (!current)
    throw new Error(
      `README.md has no ${BEGIN(env)} ... ${END} block to update: add the two markers where the diagram goes`,
    );
  fs.writeFileSync(README, readme.replace(current, block));
  process.stderr.write(`updated the ${env} diagram in README.md\n`);
  return 0;
}
