import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { ProjectPlan } from "../harness/evaluate";
import { discoverProjects, REPO_ROOT } from "../harness/projects";
import { planFor, planOf, projectsNamed, resourcesOf } from "../harness/testing";

/*
 * Domains take the platform's settings from its exported outputs (the contract), not from
 * defaults keyed by the stack name: a platform config change reaches them, and any stack name plans.
 */

const run = promisify(execFile);
const PROJECTS = ["data-platform", "orders", "clickstream", "api"];

describe("a platform configuration change flows to the domains (dev)", () => {
  let plans: Promise<ProjectPlan[]>;
  beforeAll(() => {
    plans = planFor("dev", {
      projects: projectsNamed(PROJECTS),
      configOverrides: {
        "data-platform": {
          "data-platform:backup": JSON.stringify({ enabled: false }),
          "data-platform:streaming": JSON.stringify({ retentionHours: 48, processorReservedConcurrency: 7 }),
          "data-platform:alarms": JSON.stringify({ iteratorAgeMs: 120_000 }),
          "data-platform:batch": JSON.stringify({ glueMaxDpu: 6 }),
        },
      },
    });
  });

  it("backup disabled on the platform: the domains plan, and add no table to a plan that does not exist", async () => {
    const all = await plans;
    expect(planOf(all, "data-platform").outputs.backup).toBeUndefined();
    for (const domain of ["orders", "clickstream"]) {
      expect([domain, resourcesOf(planOf(all, domain), "aws:backup/selection:Selection")]).toEqual([
        domain,
        [],
      ]);
    }
  });

  it("streams keep records as long as the platform says and processors get its reserved concurrency", async () => {
    const all = await plans;
    for (const domain of ["orders", "clickstream"]) {
      const plan = planOf(all, domain);
      const [stream] = resourcesOf(plan, "aws:kinesis/stream:Stream");
      expect([domain, stream.inputs.retentionPeriod]).toEqual([domain, 48]);
      const processors = resourcesOf(plan, "aws:lambda/function:Function").filter(
        (f) => f.inputs.reservedConcurrentExecutions !== undefined,
      );
      expect(processors.length).toBeGreaterThan(0);
      expect(processors.map((f) => f.inputs.reservedConcurrentExecutions)).toContain(7);
    }
  });

  it("alarms use the platform's thresholds", async () => {
    const all = await plans;
    for (const domain of ["orders", "clickstream"]) {
      const iteratorAge = resourcesOf(planOf(all, domain), "aws:cloudwatch/metricAlarm:MetricAlarm").filter(
        (a) => a.inputs.metricName === "GetRecords.IteratorAgeMilliseconds",
      );
      expect(iteratorAge.length).toBeGreaterThan(0);
      for (const a of iteratorAge) expect([domain, a.inputs.threshold]).toEqual([domain, 120_000]);
    }
  });

  it("the Glue job is sized to the platform's DPU budget", async () => {
    const [job] = resourcesOf(planOf(await plans, "orders"), "aws:glue/job:Job");
    expect(job.inputs).toMatchObject({ workerType: "G.1X", numberOfWorkers: 6 });
  });

  it("the API plans while clickstream has no endpoint yet (no approved model version): no endpoint permission", async () => {
    const all = await plans;
    expect(planOf(all, "clickstream").outputs.inferenceEndpointName).toBeUndefined();
    expect(resourcesOf(planOf(all, "clickstream"), "aws:sagemaker/endpoint:Endpoint")).toEqual([]);
    // The pipeline and registry that produce version 1 exist from the first deploy.
    expect(
      resourcesOf(planOf(all, "clickstream"), "aws:sagemaker/pipeline:Pipeline").filter((p) =>
        p.urn.endsWith("::clickstream-training-pipeline"),
      ),
    ).toHaveLength(1);
    expect(
      resourcesOf(planOf(all, "clickstream"), "aws:sagemaker/modelPackageGroup:ModelPackageGroup"),
    ).toHaveLength(1);
    const [policy] = resourcesOf(planOf(all, "api"), "aws:iam/rolePolicy:RolePolicy").filter((r) =>
      r.urn.endsWith("api-task-policy"),
    );
    const sids = (JSON.parse(String(policy.inputs.policy)) as { Statement: { Sid: string }[] }).Statement.map(
      (s) => s.Sid,
    );
    expect(sids).toContain("PutRecords");
    expect(sids).not.toContain("InvokeEndpoints");
  });
});

describe("any stack name plans", () => {
  it("a copy of every Pulumi.dev.yaml as Pulumi.staging.yaml plans with `npm run plan -- --env staging`", async () => {
    // A copy of the working tree (node_modules linked), so the repository itself is not touched.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "staging-"));
    const { stdout: files } = await run("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
      cwd: REPO_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    for (const file of files.split("\n").filter(Boolean)) {
      const from = path.join(REPO_ROOT, file);
      if (!fs.existsSync(from)) continue;
      fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      fs.copyFileSync(from, path.join(copy, file));
    }
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(copy, "node_modules"));
    const devFiles = discoverProjects(copy).map((p) => path.join(p.dir, "Pulumi.dev.yaml"));
    for (const dev of devFiles) fs.copyFileSync(dev, dev.replace("Pulumi.dev.yaml", "Pulumi.staging.yaml"));

    const out = path.join(copy, "out");
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "cli/platform.ts", "plan", "--env", "staging", "--out", out],
      { cwd: copy, maxBuffer: 64 * 1024 * 1024 },
    );
    for (const project of discoverProjects(copy)) {
      expect(stdout).toMatch(new RegExp(`${project.name} \\(staging\\): \\d+ resources`));
      expect(fs.existsSync(path.join(out, `${project.name}.json`))).toBe(true);
    }
    expect(stdout).toMatch(/orders \(staging\): .* reads data-platform\/staging/);
  });
});
