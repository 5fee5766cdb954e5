import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { importClosure, matchesFilter, pathFilters } from "../../cli/deploy/paths";
import { discoverProjects, REPO_ROOT } from "../../harness/projects";
import { planFor, planOf, projectsWithFixture, resourcesOf } from "../../harness/testing";
import { DEPLOY_IAM_ACTIONS, DEPLOY_KMS_ACTIONS, DEPLOY_SERVICE_ACTIONS } from "./perms";

type Statement = {
  Action: string | string[];
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
};

describe.each(["dev", "prod"])("Pulumi Deployments for %s", (stack) => {
  it("lets only this organization's deployments of this stack assume the deploy role, by OIDC", async () => {
    const platform = planOf(await planFor(stack), "data-platform");
    const [oidc] = resourcesOf(platform, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    expect(oidc.inputs.url).toBe("https://api.pulumi.com/oidc");
    expect(oidc.inputs.clientIdLists).toEqual(["organization"]);
    const [role] = resourcesOf(platform, "aws:iam/role:Role").filter((r) => r.urn.includes("DeployRole"));
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0] as Statement & {
      Principal: { Federated: string };
    };
    expect(trust.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(trust.Principal.Federated).toMatch(/^arn:aws:iam::\d{12}:oidc-provider\//);
    expect(trust.Condition?.StringEquals["api.pulumi.com/oidc:aud"]).toBe("organization");
    expect(trust.Condition?.StringLike["api.pulumi.com/oidc:sub"]).toBe(
      `pulumi:deploy:org:organization:project:*:stack:${stack}:*`,
    );
    for (const type of ["aws:iam/accessKey:AccessKey", "aws:iam/user:User"])
      expect(resourcesOf(platform, type)).toEqual([]);
  });

  it("declares settings for every project: its directory, OIDC credentials, previews on pull requests", async () => {
    const plans = await planFor(stack);
    const deployments = planOf(plans, "deployments");
    const roleArn = planOf(plans, "data-platform").outputs.deployRoleArn;
    const settings = resourcesOf(deployments, "pulumiservice:index:DeploymentSettings");
    const projects = discoverProjects();
    expect(settings.map((s) => s.inputs.project).sort()).toEqual(projects.map((p) => p.name).sort());
    for (const s of settings) {
      const project = projects.find((p) => p.name === s.inputs.project)!;
      const inputs = s.inputs as {
        stack: string;
        sourceContext: { git: { repoDir: string; branch: string } };
        github: { repository: string; deployCommits: boolean; previewPullRequests: boolean; paths: string[] };
        operationContext: { oidc: { aws: { roleARN: string; duration: string } }; preRunCommands: string[] };
      };
      expect(inputs.stack).toBe(stack);
      expect(inputs.sourceContext.git).toEqual({
        branch: "refs/heads/main",
        repoDir: path.relative(REPO_ROOT, project.dir) || ".",
      });
      expect(inputs.github.repository).toBe("my-org/aws-data-platform");
      expect(inputs.github.previewPullRequests).toBe(true);
      expect(inputs.github.deployCommits).toBe(stack === "dev");
      expect(inputs.github.paths).toEqual(pathFilters(project));
      expect(inputs.operationContext.oidc.aws.roleARN).toBe(roleArn);
      expect(inputs.operationContext.preRunCommands).toContain("npm ci --no-audit --no-fund");
    }
  });

  it("attaches the policy pack with this environment's configuration to every stack", async () => {
    const deployments = planOf(await planFor(stack), "deployments");
    const [group] = resourcesOf(deployments, "pulumiservice:index:PolicyGroup");
    expect(group.inputs.mode).toBe("preventative");
    const stacks = group.inputs.stacks as { name: string; routingProject: string }[];
    expect(stacks.map((s) => s.routingProject).sort()).toEqual(
      discoverProjects()
        .map((p) => p.name)
        .sort(),
    );
    expect(new Set(stacks.map((s) => s.name))).toEqual(new Set([stack]));
  });
});

describe("the local environment", () => {
  it("has no deploy role and no Pulumi Cloud resources", async () => {
    const plans = await planFor("local");
    expect(
      resourcesOf(planOf(plans, "data-platform"), "aws:iam/role:Role").filter((r) =>
        r.urn.includes("DeployRole"),
      ),
    ).toEqual([]);
    expect(
      planOf(plans, "deployments").document.steps.filter((s) => s.newState.type.startsWith("pulumiservice:")),
    ).toEqual([]);
  });
});

describe("path filters", () => {
  const projects = projectsWithFixture();

  it.each(projects.map((p) => [p.name, p] as const))("cover every file %s loads", (_name, project) => {
    const filters = pathFilters(project);
    for (const file of importClosure(project.main))
      expect([
        path.relative(REPO_ROOT, file),
        matchesFilter(path.relative(REPO_ROOT, file), filters),
      ]).toEqual([path.relative(REPO_ROOT, file), true]);
    for (const f of ["package.json", "package-lock.json"]) expect(matchesFilter(f, filters)).toBe(true);
  });

  it("deploy a domain for its own changes only, and every project for a shared component", () => {
    const domain = projects.find((p) => p.name === "sample-domain")!;
    const platform = projects.find((p) => p.name === "data-platform")!;
    expect(matchesFilter("harness/fixtures/sample-domain/index.ts", pathFilters(platform))).toBe(false);
    expect(matchesFilter("index.ts", pathFilters(domain))).toBe(false);
    expect(matchesFilter("Pulumi.prod.yaml", pathFilters(domain))).toBe(false);
    for (const p of [domain, platform])
      expect(matchesFilter("components/core/providers.ts", pathFilters(p))).toBe(true);
  });

  it("follow require() calls inside functions (inline Lambda factories)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "closure-"));
    fs.mkdirSync(path.join(dir, "runtime"));
    fs.writeFileSync(
      path.join(dir, "index.ts"),
      'import { a } from "./a";\nexport const f = () => () => require("./runtime/handler");\n',
    );
    fs.writeFileSync(path.join(dir, "a.ts"), "export const a = 1;\n");
    fs.writeFileSync(
      path.join(dir, "runtime", "handler.ts"),
      'import * as z from "zod";\nexport const h = z;\n',
    );
    const closure = importClosure(path.join(dir, "index.ts")).map((f) => path.relative(dir, f));
    expect(closure).toEqual(["a.ts", "index.ts", "runtime/handler.ts"]);
  });
});

it("gives the deploy role no account-wide wildcard and no IAM users or keys", () => {
  const actions: string[] = [...DEPLOY_SERVICE_ACTIONS, ...DEPLOY_KMS_ACTIONS, ...DEPLOY_IAM_ACTIONS];
  expect(actions.filter((a) => a.startsWith("kms:") && /Decrypt|ReEncrypt|\*/.test(a))).toEqual([]);
  expect(actions).not.toContain("*");
  expect(actions.filter((a) => a.startsWith("iam:") && /User|AccessKey|Group|LoginProfile/.test(a))).toEqual(
    [],
  );
  expect(actions.filter((a) => a.startsWith("organizations:") || a.startsWith("account:"))).toEqual([]);
});
