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
      (j.steps ?? []).some((s) => /npm run deploy|command: preview/.test(s.run ?? "") || s.with?.command),
    )) {
      expect(job.concurrency?.group).toMatch(/dev|prod|matrix\.env/);
      expect(job.concurrency?.["cancel-in-progress"]).toBe(false);
    }
  });
});

describe("how a change flows", () => {
  it("checks every pull request offline: tests, and the plan + policy check for dev and prod", () => {
    const checks = workflows["checks.yml"];
    const runs = allSteps(checks).map((s) => s.run ?? "");
    for (const cmd of ["npm ci --no-audit --no-fund", "npm run typecheck", "npm run lint", "npm test"])
      expect(runs).toContain(cmd);
    expect(checks.jobs["offline-plan"].strategy?.matrix.env).toEqual(["dev", "prod"]);
    expect(runs.some((r) => /npm run plan -- --env \$\{\{ matrix\.env \}\} .*--check/.test(r))).toBe(true);
    expect(workflows["pull-request.yml"].jobs.checks.uses).toBe("./.github/workflows/checks.yml");
  });

  it("previews each touched project with the policy pack and comments on the pull request, when credentials exist", () => {
    const preview = workflows["pull-request.yml"].jobs.preview;
    expect(preview.if).toMatch(/vars\.AWS_PREVIEW_ROLE_ARN != ''/);
    expect(preview.needs).toEqual(["checks", "changed"]);
    const action = preview.steps!.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    expect(action.with).toMatchObject({ command: "preview", "comment-on-pr": true });
    expect(String(action.with!.policyPacks)).toMatch(/policies$/);
    expect(String(action.with!.policyPackConfigs)).toMatch(/policies\/\$\{\{ matrix\.env \}\}\.json$/);
    expect(preview.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
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
