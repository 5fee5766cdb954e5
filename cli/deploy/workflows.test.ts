import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { REPO_ROOT } from "../../harness/projects";

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
type Job = {
  uses?: string;
  needs?: string[];
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  strategy?: { matrix: Record<string, unknown> };
  steps?: Step[];
};
type Workflow = {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
};

const DIR = path.join(REPO_ROOT, ".github", "workflows");
const workflows = Object.fromEntries(
  fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith(".yml"))
    .map((f) => [f, yaml.load(fs.readFileSync(path.join(DIR, f), "utf8")) as Workflow]),
);
const scripts = Object.keys(
  (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: object }).scripts,
);
const allSteps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps ?? []);

describe.each(Object.keys(workflows))("workflow %s", (file) => {
  const wf = workflows[file];

  it("grants read-only contents by default and write access only to jobs that need it", () => {
    expect(wf.permissions).toEqual({ contents: "read" });
    for (const job of Object.values(wf.jobs)) {
      for (const [scope, level] of Object.entries(job.permissions ?? {})) {
        if (level === "write") expect(["id-token", "pull-requests"]).toContain(scope);
      }
    }
  });

  it("pins every action to an exact version", () => {
    for (const step of allSteps(wf).filter((s) => s.uses)) {
      expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
    }
  });

  it("only runs npm scripts that exist in package.json", () => {
    for (const step of allSteps(wf).filter((s) => s.run?.includes("npm run"))) {
      for (const m of step.run!.matchAll(/npm run (?:--silent )?([\w:-]+)/g)) expect(scripts).toContain(m[1]);
    }
  });

  it("serialises deployments per stack", () => {
    for (const job of Object.values(wf.jobs).filter((j) =>
      (j.steps ?? []).some((s) => /npm run deploy|pulumi preview/.test(s.run ?? "") || s.with?.command),
    )) {
      expect(job.concurrency?.group).toMatch(/dev|prod|matrix\.env/);
      expect(job.concurrency?.["cancel-in-progress"]).toBe(false);
    }
  });
});

it("documents every repository variable and secret the workflows read, in the README and docs/deploying.md", () => {
  const read = new Set(
    fs
      .readdirSync(DIR)
      .flatMap((f) => [
        ...fs.readFileSync(path.join(DIR, f), "utf8").matchAll(/\b(vars|secrets)\.([A-Z0-9_]+)/g),
      ])
      .map((m) => m[2]),
  );
  expect(read.size).toBeGreaterThan(5);
  for (const doc of ["README.md", path.join("docs", "deploying.md")]) {
    const text = fs.readFileSync(path.join(REPO_ROOT, doc), "utf8");
    expect([doc, [...read].filter((name) => !text.includes(`\`${name}\``))]).toEqual([doc, []]);
  }
});

describe("Node versions", () => {
  it("runs every workflow on Node 22 (the Lambdas' and the API image's), a version package.json engines allows", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      engines: { node: string };
    };
    expect(pkg.engines.node).toBe("^20.19.0 || ^22.13.0");
    const versions = Object.values(workflows)
      .flatMap(allSteps)
      .filter((s) => s.uses?.startsWith("actions/setup-node@"))
      .map((s) => s.with?.["node-version"]);
    expect(versions.length).toBeGreaterThan(0);
    expect(new Set(versions)).toEqual(new Set([22]));
    const dockerfile = fs.readFileSync(path.join(REPO_ROOT, "runtime", "api", "Dockerfile"), "utf8");
    for (const m of dockerfile.matchAll(/^FROM node:(\d+)/gm)) expect(m[1]).toBe("22");
  });

  it("accepts the Node this suite runs on", () => {
    const [major, minor] = process.versions.node.split(".").map(Number);
    expect((major === 20 && minor >= 19) || (major === 22 && minor >= 13)).toBe(true);
  });
});

describe("how a change flows", () => {
  it("checks every pull request offline: tests, and the plan + policy check for dev, prod and the DR stack", () => {
    const checks = workflows["checks.yml"];
    const runs = allSteps(checks).map((s) => s.run ?? "");
    for (const cmd of ["npm ci --no-audit --no-fund", "npm run typecheck", "npm run lint", "npm test"])
      expect(runs).toContain(cmd);
    expect(checks.jobs["offline-plan"].strategy?.matrix.env).toEqual(["dev", "prod", "dr"]);
    expect(runs.some((r) => /npm run plan -- --env \$\{\{ matrix\.env \}\} .*--check/.test(r))).toBe(true);
    expect(workflows["pull-request.yml"].jobs.checks.uses).toBe("./.github/workflows/checks.yml");
  });

  it("previews each touched project x environment with the policy pack, when credentials exist", () => {
    const preview = workflows["pull-request.yml"].jobs.preview;
    expect(preview.if).toMatch(/vars\.AWS_PREVIEW_ROLE_ARN_DEV != ''/);
    expect(preview.needs).toEqual(["checks", "changed"]);
    expect(preview.strategy?.matrix).toMatchObject({ env: ["dev", "prod"] });
    const run = preview.steps!.find((s) => (s as { id?: string }).id === "preview")!;
    expect(run.run).toMatch(/pulumi preview --stack "\$STACK"/);
    expect(run.run).toMatch(/--policy-pack "\$GITHUB_WORKSPACE\/policies"/);
    expect(run.run).toMatch(/--policy-pack-config "\$GITHUB_WORKSPACE\/policies\/\$ENV_NAME\.json"/);
    expect(run.run).toMatch(/set -o pipefail/);
    expect(preview.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
  });

  it("comments on the pull request also when the preview fails, then fails the check", () => {
    const steps = workflows["pull-request.yml"].jobs.preview.steps! as (Step & {
      id?: string;
      if?: string;
      "continue-on-error"?: boolean;
    })[];
    const i = steps.findIndex((s) => s.id === "preview");
    expect(steps[i]["continue-on-error"]).toBe(true);
    const comment = steps[i + 1];
    expect(comment.if).toMatch(/^always\(\)/);
    expect(comment.run).toMatch(/gh pr comment "\$PR"/);
    expect(comment.run).toMatch(/preview\.txt/);
    const fail = steps[i + 2];
    expect(fail.if).toBe("steps.preview.outcome == 'failure'");
    expect(fail.run).toBe("exit 1");
  });

  it("deploys dev after the checks on push to main, and prod from tags behind the production environment", () => {
    const dev = workflows["main.yml"].jobs["deploy-dev"];
    expect(dev.needs).toEqual(["checks"]);
    expect(dev.steps!.some((s) => s.run?.startsWith("npm run deploy -- --env dev --yes"))).toBe(true);
    const release = workflows["release.yml"];
    expect(Object.keys(release.on)).toEqual(["push"]);
    expect((release.on.push as { tags: string[] }).tags).toEqual(["v*.*.*"]);
    expect(release.jobs["deploy-prod"].environment).toBe("production");
    expect(
      release.jobs["deploy-prod"].steps!.some((s) => s.run?.startsWith("npm run deploy -- --env prod --yes")),
    ).toBe(true);
  });
});
