import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ProjectInfo } from "../../harness/projects";
import {
  formatSummary,
  parseDeployArgs,
  type PlannedProject,
  PrerequisiteError,
  runDeploy,
  UsageError,
} from "./deploy";
import { deploymentLevels, selectLevels } from "./order";
import {
  awsCredentialSourceFromEnv,
  type StackOperation,
  type StackResult,
  type StackRunner,
} from "./runner";

const project = (name: string): ProjectInfo => ({
  name,
  dir: `/repo/${name}`,
  main: `/repo/${name}/index.ts`,
  file: "",
});

/** platform <- orders, clickstream; clickstream <- ml (a domain reading another domain). */
const GRAPH: PlannedProject[] = [
  { project: project("orders"), dependsOn: ["data-platform"] },
  { project: project("data-platform"), dependsOn: [] },
  { project: project("clickstream"), dependsOn: ["data-platform"] },
  { project: project("ml"), dependsOn: ["clickstream", "data-platform"] },
];

/** Records every operation in the order they start and finish; can fail chosen projects. */
class FakeRunner implements StackRunner {
  events: string[] = [];
  ops: StackOperation[] = [];
  cli: string | undefined = "/usr/bin/pulumi";
  user: string | undefined = "alice";
  creds: string | undefined = "environment variables";
  stacks: Record<string, string[]> = {};
  failing = new Set<string>();

  pulumiCli = async () => this.cli;
  whoAmI = async () => this.user;
  awsCredentialSource = async () => this.creds;
  listStacks = async (name: string) => this.stacks[name] ?? ["acme/dev", "acme/prod"];
  private async run(kind: string, op: StackOperation): Promise<StackResult> {
    this.ops.push(op);
    this.events.push(`start ${kind} ${op.project}`);
    await new Promise((r) => setTimeout(r, 5));
    op.onOutput(`Updating (${op.stack})\n`);
    this.events.push(`end ${kind} ${op.project}`);
    if (this.failing.has(op.project)) throw new Error(`update of ${op.project} failed: AccessDenied`);
    return { changes: { create: 2, same: 1 }, outputs: { vpcId: "vpc-1" } };
  }
  preview = (op: StackOperation) => this.run("preview", op);
  up = (op: StackOperation) => this.run("up", op);
  destroy = (op: StackOperation) => this.run("destroy", op);
}

function deps(runner: StackRunner, log: string[] = [], planned: string[] = []) {
  return {
    runner,
    projects: () => GRAPH.map((p) => p.project),
    plan: async (env: string) => {
      planned.push(env);
      return GRAPH;
    },
    log: (l: string) => log.push(l),
  };
}

describe("deployment order", () => {
  it("puts every project after the projects whose stacks it reads, independent ones together", () => {
    const levels = deploymentLevels(GRAPH.map((p) => ({ name: p.project.name, dependsOn: p.dependsOn })));
    expect(levels).toEqual([["data-platform"], ["clickstream", "orders"], ["ml"]]);
  });

  it("reports a cycle and an unknown dependency by name", () => {
    expect(() =>
      deploymentLevels([
        { name: "a", dependsOn: ["b"] },
        { name: "b", dependsOn: ["a"] },
      ]),
    ).toThrow(/cycle: a -> b; b -> a/);
    expect(() => deploymentLevels([{ name: "a", dependsOn: ["zz"] }])).toThrow(
      /a depends on zz, which is not among the projects/,
    );
  });

  it("keeps the order when only some projects are selected and rejects unknown ones", () => {
    const levels = [["data-platform"], ["clickstream", "orders"], ["ml"]];
    expect(selectLevels(levels, ["ml", "orders"])).toEqual([["orders"], ["ml"]]);
    expect(() => selectLevels(levels, ["billing"])).toThrow(/unknown project\(s\): billing/);
  });
});

describe("npm run deploy", () => {
  it("updates level by level with the environment's policy pack, prefixing each stack's output", async () => {
    const runner = new FakeRunner();
    const log: string[] = [];
    const summaries = await runDeploy(
      parseDeployArgs("deploy", ["--env", "prod", "--yes", "--org", "acme"]),
      deps(runner, log),
    );
    const started = runner.events.filter((e) => e.startsWith("start")).map((e) => e.split(" ")[2]);
    expect(started[0]).toBe("data-platform");
    expect(started[3]).toBe("ml");
    // Independent domains start before either finishes (they run in parallel).
    const i = runner.events.indexOf("start up clickstream");
    const j = runner.events.indexOf("start up orders");
    expect(Math.max(i, j)).toBeLessThan(runner.events.indexOf("end up clickstream"));
    for (const op of runner.ops) {
      expect(op.stack).toBe("acme/prod");
      expect(op.policyPack).toMatch(/policies$/);
      expect(op.policyConfig).toMatch(/policies\/prod\.json$/);
    }
    expect(log).toContain("[orders] Updating (acme/prod)");
    expect(summaries.map((s) => s.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
    expect(formatSummary(summaries)).toMatch(
      /data-platform\s+up\s+succeeded\s+\d+\.\ds\s+create 2, same 1\s+1 outputs/,
    );
  });

  it("stops at the first failure and skips what depends on it", async () => {
    const runner = new FakeRunner();
    runner.failing.add("clickstream");
    const summaries = await runDeploy(parseDeployArgs("deploy", ["--env", "dev", "--yes"]), deps(runner));
    const status = Object.fromEntries(summaries.map((s) => [s.project, s.status]));
    expect(status).toEqual({
      "data-platform": "succeeded",
      clickstream: "failed",
      orders: "succeeded",
      ml: "skipped",
    });
    expect(runner.events.some((e) => e.includes(" ml"))).toBe(false);
    expect(summaries.find((s) => s.project === "clickstream")?.error).toMatch(/AccessDenied/);
  });

  it("previews instead of updating with --preview, and honours --project and --refresh", async () => {
    const runner = new FakeRunner();
    await runDeploy(
      parseDeployArgs("deploy", ["--env", "dev", "--preview", "--project", "orders", "--refresh"]),
      deps(runner),
    );
    expect(runner.events).toEqual(["start preview orders", "end preview orders"]);
    expect(runner.ops[0].refresh).toBe(true);
  });

  it("destroys in reverse dependency order", async () => {
    const runner = new FakeRunner();
    await runDeploy(parseDeployArgs("destroy", ["--env", "dev", "--yes"]), deps(runner));
    const started = runner.events.filter((e) => e.startsWith("start")).map((e) => e.split(" ")[2]);
    expect(started[0]).toBe("ml");
    expect(started[3]).toBe("data-platform");
  });
});

describe("prerequisites are explained before anything runs", () => {
  it.each([
    ["no Pulumi CLI", (r: FakeRunner) => (r.cli = undefined), /Pulumi CLI not found: install it/],
    ["not logged in", (r: FakeRunner) => (r.user = undefined), /Not logged in to Pulumi: run `pulumi login`/],
    ["no AWS credentials", (r: FakeRunner) => (r.creds = undefined), /No AWS credentials: set AWS_PROFILE/],
    [
      "a stack not initialised",
      (r: FakeRunner) => (r.stacks.orders = ["acme/dev"]),
      /Stack prod of project orders is not initialised: cd .* && pulumi stack init acme\/prod/,
    ],
  ])("%s", async (_what, breakIt, message) => {
    const runner = new FakeRunner();
    breakIt(runner);
    const run = runDeploy(
      parseDeployArgs("deploy", ["--env", "prod", "--yes", "--org", "acme"]),
      deps(runner),
    );
    await expect(run).rejects.toThrow(PrerequisiteError);
    await expect(run).rejects.toThrow(message);
    expect(runner.events).toEqual([]);
  });

  it.each([
    ["no Pulumi CLI", (r: FakeRunner) => (r.cli = undefined)],
    ["not logged in", (r: FakeRunner) => (r.user = undefined)],
    ["no AWS credentials", (r: FakeRunner) => (r.creds = undefined)],
  ])("reports %s without evaluating the plan", async (_what, breakIt) => {
    const runner = new FakeRunner();
    breakIt(runner);
    const planned: string[] = [];
    await expect(
      runDeploy(parseDeployArgs("deploy", ["--env", "dev", "--preview"]), deps(runner, [], planned)),
    ).rejects.toThrow(PrerequisiteError);
    expect(planned).toEqual([]);
  });

  it("refuses an unknown --project with usage before evaluating the plan", async () => {
    const planned: string[] = [];
    const run = runDeploy(
      parseDeployArgs("deploy", ["--env", "dev", "--preview", "--project", "billing"]),
      deps(new FakeRunner(), [], planned),
    );
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(
      /--project billing: no such project \(known: clickstream, data-platform/,
    );
    expect(planned).toEqual([]);
  });

  it("finds AWS credentials in the environment or a profile, without calling AWS", () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "home-"));
    expect(awsCredentialSourceFromEnv({}, home)).toBeUndefined();
    expect(awsCredentialSourceFromEnv({ AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" }, home)).toBe(
      "environment variables",
    );
    fs.mkdirSync(path.join(home, ".aws"));
    fs.writeFileSync(path.join(home, ".aws", "config"), "[profile data]\nsso_session = x\n");
    expect(awsCredentialSourceFromEnv({ AWS_PROFILE: "data" }, home)).toMatch(/profile "data"/);
    expect(awsCredentialSourceFromEnv({ AWS_PROFILE: "other" }, home)).toBeUndefined();
  });
});

describe("argument handling", () => {
  it.each([
    [["--env", "staging", "--yes"], /--env must be dev or prod \(got staging\)/],
    [["--env", "local", "--yes"], /use `npm start` instead/],
    [["--env", "dev"], /pass --yes to go ahead, or --preview to only preview/],
    [["--env", "dev", "--yes", "--bogus"], /unknown option --bogus/],
    [["--env", "dev", "--yes", "stray"], /unexpected argument stray/],
  ])("deploy %j is refused with usage", (argv, message) => {
    expect(() => parseDeployArgs("deploy", argv)).toThrow(UsageError);
    expect(() => parseDeployArgs("deploy", argv)).toThrow(message);
  });

  it("refuses to destroy prod without --allow-prod-destroy", () => {
    expect(() => parseDeployArgs("destroy", ["--env", "prod", "--yes"])).toThrow(/refusing to destroy prod/);
    expect(parseDeployArgs("destroy", ["--env", "prod", "--yes", "--allow-prod-destroy"]).env).toBe("prod");
  });
});
