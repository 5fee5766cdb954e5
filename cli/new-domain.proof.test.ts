/*
 * Proof that a new domain is one folder (issue #20, item 3): in a temporary copy of the repository,
 * `npm run new-domain -- --name payments` and nothing else; then the commands a user runs, on the
 * copy's own code:
 *
 * - the scaffold touches only `stacks/payments/`;
 * - `npm run sample -- --domain payments` gives valid, seed-deterministic records;
 * - `npm run local -- --domain payments --file …` stores every record, nothing lost or altered;
 * - `npm start` (platform + payments) serves `POST /v1/payments/events` through the API service
 *   code and reads the items back;
 * - the dev plan (every project: the API reads every domain) holds payments' stream, processor and
 *   serving table, routes the API to it, passes the policy pack with no mandatory finding, and
 *   orders the deploy platform → payments → api;
 * - the prod plan (platform + payments only) holds them too and passes the prod pack.
 *
 * Cost (plans transpile-only, as in `npm test`): nine offline evaluations of the copy — dev: the
 * five projects (the API reads every domain); prod and local: platform + payments only, the local
 * plan shared by `local` and `start` through the run's evaluation cache — and two emulator runs.
 * Nothing is shared with the repository's own plans (other paths). Measured on the 2-core machine:
 * 123 s wall at load average ~5; 5 min 12 s at load average ~20 (dev plans 134 s, local run 88 s,
 * prod plans 38 s, start 32 s, samples 11 s).
 */
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { ProjectPlan } from "../harness/evaluate";
import type { ProjectInfo } from "../harness/projects";

const run = promisify(execFile);
const REPO = path.resolve(__dirname, "..");
const DOMAIN = "payments";

/** The repository's files as a clone would have them (tracked + new, not ignored), and node_modules linked. */
function copyRepository(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "new-domain-proof-"));
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO,
  })
    .toString()
    .split("\0")
    .filter((f) => f && fs.existsSync(path.join(REPO, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(REPO, f), path.join(dir, f));
  }
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

/** Path → sha256 of every file under `dir` except node_modules and what runs write (.state, .lambda, out). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (["node_modules", ".state", ".lambda", "out"].includes(e.name)) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), createHash("sha256").update(fs.readFileSync(p)).digest("hex"));
    }
  };
  walk(dir);
  return out;
}

let copy: string;
let before: Map<string, string>;
const tsx = () => path.join(copy, "node_modules", ".bin", "tsx");
/** A CLI command of the copy, run in the copy as `npm run <script>` runs it. */
const cli = (args: string[]) =>
  run(tsx(), args, { cwd: copy, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: "0" } });
/** The copy's own modules (its discovery sees stacks/payments). */
const fromCopy = <T>(module: string): T => require(path.join(copy, module)) as T;

beforeAll(async () => {
  copy = copyRepository();
  before = snapshot(copy);
  await cli(["cli/new-domain.ts", "--name", DOMAIN]);
});

afterAll(() => {
  if (copy && !process.env.KEEP_PROOF_COPY) fs.rmSync(copy, { recursive: true, force: true });
});

it("scaffolds payments by adding files under stacks/payments only", () => {
  const after = snapshot(copy);
  const changed = [...after].filter(([f, h]) => before.get(f) !== h).map(([f]) => f);
  const removed = [...before.keys()].filter((f) => !after.has(f));
  expect(removed).toEqual([]);
  expect(changed.length).toBeGreaterThan(0);
  expect(changed.filter((f) => !f.startsWith(`stacks/${DOMAIN}/`))).toEqual([]);
});

describe("locally", () => {
  let records: string;

  it("npm run sample gives valid records, the same for the same seed", async () => {
    const a = await cli(["cli/platform.ts", "sample", "--domain", DOMAIN, "--count", "40", "--seed", "3"]);
    const b = await cli(["cli/platform.ts", "sample", "--domain", DOMAIN, "--count", "40", "--seed", "3"]);
    const lines = a.stdout.trim().split("\n");
    expect(lines).toHaveLength(40);
    // Event times follow the clock (current partitions); everything else follows the seed.
    const timeless = (s: string) => s.replace(/"occurredAt":"[^"]+"/g, "");
    expect(timeless(a.stdout)).toBe(timeless(b.stdout));
    const { buildDataProduct } = fromCopy<typeof import("../runtime/schemas")>("runtime/schemas");
    const product = buildDataProduct(DOMAIN);
    const keys = lines.map(
      (l) => product.toItem(product.schema.parse(JSON.parse(l)))[product.tableKey.hashKey],
    );
    expect(new Set(keys).size).toBe(40);
    records = path.join(copy, ".state", "payments.ndjson");
    fs.mkdirSync(path.dirname(records), { recursive: true });
    fs.writeFileSync(records, a.stdout);
  });

  const projectDirs = () => ["--project-dir", ".", "--project-dir", `stacks/${DOMAIN}`, "--port-base", "0"];

  it("npm run local stores every sample record, nothing lost or altered", async () => {
    const { stdout } = await cli([
      "cli/platform.ts",
      "local",
      "--domain",
      DOMAIN,
      "--file",
      records,
      "--json",
      ...projectDirs(),
    ]);
    const summary = JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, unknown>;
    expect(summary).toMatchObject({
      domain: DOMAIN,
      lines: 40,
      ingested: 40,
      stored: 40,
      lost: 0,
      altered: 0,
    });
    expect(summary.deliveredToLake).toBe(40);
  });

  it("npm start serves POST /v1/payments/events through the API and reads the items back", async () => {
    const { stdout, stderr } = await cli(["cli/platform.ts", "start", "--count", "20", ...projectDirs()]);
    expect(stderr).toMatch(/API payments: 5 accepted, 1 rejected \(HTTP \d+\), 5 read back/);
    expect(stdout).toContain("nothing lost, nothing altered");
  });
});

describe("planned", () => {
  type Evaluate = typeof import("../harness/evaluate");
  type Projects = typeof import("../harness/projects");
  type Check = typeof import("./check");
  type Order = typeof import("./deploy/order");
  type PlanGraph = typeof import("./deploy/plan-graph");

  const projects = (names?: string[]): ProjectInfo[] => {
    const all = fromCopy<Projects>("harness/projects").discoverProjects(copy);
    return names ? all.filter((p) => names.includes(p.name)) : all;
  };
  const resources = (plan: ProjectPlan, type: string) =>
    plan.document.steps.filter((s) => s.newState?.type === type).map((s) => s.newState!);
  const planOf = (plans: ProjectPlan[], name: string) => plans.find((p) => p.project.name === name)!;

  async function mandatoryFindings(plans: ProjectPlan[], env: "dev" | "prod"): Promise<string[]> {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `new-domain-proof-${env}-`));
    const files = plans.map((p) => {
      const file = path.join(out, `${p.project.name}.json`);
      fs.writeFileSync(file, JSON.stringify(p.document));
      return file;
    });
    const findings = await fromCopy<Check>("cli/check").checkFiles(files, env);
    fs.rmSync(out, { recursive: true, force: true });
    return findings
      .filter((v) => v.enforcementLevel === "mandatory")
      .map((v) => `${v.policyName}: ${v.urn}: ${v.message}`);
  }

  function expectDataPlane(plan: ProjectPlan) {
    expect(resources(plan, "aws:kinesis/stream:Stream")).toHaveLength(1);
    const fns = resources(plan, "aws:lambda/function:Function");
    expect(
      fns.map(
        (f) =>
          (f.inputs as { environment?: { variables?: Record<string, string> } })?.environment?.variables
            ?.DATA_PRODUCT,
      ),
    ).toContain(DOMAIN);
    expect(resources(plan, "aws:dynamodb/table:Table").length).toBeGreaterThanOrEqual(1);
    expect(plan.outputs).toMatchObject({
      streamName: expect.any(String),
      servingTableName: expect.any(String),
    });
  }

  it("dev: the API routes to payments, the policy pack passes, and payments deploys after the platform and before the API", async () => {
    const plans = await fromCopy<Evaluate>("harness/evaluate").evaluateProjects({
      stack: "dev",
      projects: projects(),
    });
    const payments = planOf(plans, DOMAIN);
    expectDataPlane(payments);

    // The API's task gets a route for payments, to payments' own stream and table.
    const api = planOf(plans, "api");
    const taskDefs = resources(api, "aws:ecs/taskDefinition:TaskDefinition");
    const containers = taskDefs.flatMap(
      (t) =>
        JSON.parse(String((t.inputs as { containerDefinitions: string }).containerDefinitions)) as {
          environment?: { name: string; value: string }[];
        }[],
    );
    const domainsEnv = containers.flatMap((c) => c.environment ?? []).find((e) => e.name === "API_DOMAINS");
    expect(JSON.parse(domainsEnv!.value)[DOMAIN]).toMatchObject({
      streamName: payments.outputs.streamName,
      tableName: payments.outputs.servingTableName,
    });

    expect(await mandatoryFindings(plans, "dev")).toEqual([]);

    const graph = fromCopy<PlanGraph>("cli/deploy/plan-graph").plannedFrom(plans);
    const levels = fromCopy<Order>("cli/deploy/order").deploymentLevels(
      graph.map((p) => ({ name: p.project.name, dependsOn: p.dependsOn })),
    );
    const level = (name: string) => levels.findIndex((l) => l.includes(name));
    expect(level("data-platform")).toBeLessThan(level(DOMAIN));
    expect(level(DOMAIN)).toBeLessThan(level("api"));
  });

  it("prod: payments has its stream, processor and serving table, and the prod policy pack passes", async () => {
    const plans = await fromCopy<Evaluate>("harness/evaluate").evaluateProjects({
      stack: "prod",
      projects: projects(["data-platform", DOMAIN]),
    });
    expectDataPlane(planOf(plans, DOMAIN));
    expect(await mandatoryFindings(plans, "prod")).toEqual([]);
  });
});
