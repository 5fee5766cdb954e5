import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { builtinModules } from "node:module";
import * as ts from "typescript";
import {
  DEPLOYMENT_PROJECTS_FILE,
  type DeploymentProject,
  deploymentProjects,
} from "../../cli/deploy/deployments-file";
import { importClosure, matchesFilter, pathFilters, runtimeReads } from "../../cli/deploy/paths";
import { plannedFrom } from "../../cli/deploy/plan-graph";
import { discoverProjects, REPO_ROOT } from "../../harness/projects";
import { planFor, planOf, platformPlan, projectsWithFixture, resourcesOf } from "../../harness/testing";
import { contentVersion } from "./contentVersion";
import { deployPermissionsPolicy, previewPermissionsPolicy } from "./deployRole";
import { actionAllowed, requiredActions } from "./requiredActions";
import { DEPLOY_IAM_ACTIONS, DEPLOY_KMS_ACTIONS, DEPLOY_SERVICE_ACTIONS } from "./perms";

type Statement = {
  Action: string | string[];
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
};

describe.each(["dev", "prod"])("Pulumi Deployments for %s", (stack) => {
  it("lets only this organization's deployments of this stack assume the deploy role, by OIDC", async () => {
    const platform = planOf(await planFor(stack), "data-platform");
    const oidc = resourcesOf(platform, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").find(
      (p) => p.inputs.url === "https://api.pulumi.com/oidc",
    )!;
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

  it("declares settings for every project: its directory, trigger paths, OIDC credentials, Node 22", async () => {
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
        github?: unknown;
        vcs: {
          provider: string;
          repository: string;
          deployCommits: boolean;
          previewPullRequests: boolean;
          paths: string[];
        };
        executorContext: { executorImage: string };
        operationContext: { oidc: { aws: { roleARN: string; duration: string } }; preRunCommands: string[] };
      };
      expect(inputs.stack).toBe(stack);
      expect(inputs.sourceContext.git).toEqual({
        branch: "refs/heads/main",
        repoDir: path.relative(REPO_ROOT, project.dir) || ".",
      });
      // The non-deprecated `vcs` block, not `github`.
      expect(inputs.github).toBeUndefined();
      expect(inputs.vcs).toMatchObject({ provider: "github", repository: "my-org/aws-data-platform" });
      expect(inputs.vcs.previewPullRequests).toBe(true);
      expect(inputs.vcs.deployCommits).toBe(stack === "dev");
      expect(inputs.executorContext.executorImage).toMatch(/^pulumi\/pulumi-nodejs-22:/);
      expect(inputs.operationContext.oidc.aws.roleARN).toBe(roleArn);
      expect(inputs.operationContext.preRunCommands.join("\n")).toMatch(/npm ci --no-audit --no-fund/);
    }
  });

  it("publishes the policy pack under its real name and enforces that version on every stack", async () => {
    const deployments = planOf(await planFor(stack), "deployments");
    const packSource = fs.readFileSync(path.join(REPO_ROOT, "policies", "index.ts"), "utf8");
    const packName = /new PolicyPack\(\s*"([^"]+)"/.exec(packSource)![1];
    const [pack] = resourcesOf(deployments, "pulumiservice:index:PolicyPack");
    expect(pack.inputs.name).toBe(packName);
    expect(pack.inputs.sourcePath).toBe(path.join(REPO_ROOT, "policies"));
    expect(pack.inputs.versionTag).toBe(contentVersion(path.join(REPO_ROOT, "policies"), "0.1.0"));
    const [group] = resourcesOf(deployments, "pulumiservice:index:PolicyGroup");
    expect(group.inputs.mode).toBe("preventative");
    const packs = group.inputs.policyPacks as { name: string; versionTag: string; config: unknown }[];
    expect(packs.map((p) => [p.name, p.versionTag])).toEqual([[packName, pack.inputs.versionTag]]);
    expect(packs[0].config).toEqual(
      JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policies", `${stack}.json`), "utf8")),
    );
    expect(group.propertyDependencies.policyPacks).toContain(pack.urn);
    const stacks = group.inputs.stacks as { name: string; routingProject: string }[];
    expect(stacks.map((s) => s.routingProject).sort()).toEqual(
      discoverProjects()
        .map((p) => p.name)
        .sort(),
    );
    expect(new Set(stacks.map((s) => s.name))).toEqual(new Set([stack]));
  });

  it(
    stack === "dev"
      ? "deploys on push in dependency order: each project after the projects whose stacks it reads"
      : "has no push-to-deploy and no webhooks (prod deploys from release tags)",
    async () => {
      const plans = await planFor(stack);
      const deployments = planOf(plans, "deployments");
      const settings = resourcesOf(deployments, "pulumiservice:index:DeploymentSettings");
      const hooks = resourcesOf(deployments, "pulumiservice:index:Webhook").map((h) => h.inputs);
      if (stack !== "dev") {
        expect(hooks).toEqual([]);
        return;
      }
      const graph = plannedFrom(plans);
      // Simulate a push that touches every file: which projects start at once, and which follow
      // from webhooks when an update succeeds. Every project must run after all its dependencies.
      const direct = settings
        .filter((s) => (s.inputs.vcs as { paths: string[] }).paths.length > 0)
        .map((s) => String(s.inputs.project));
      const done: string[] = [];
      const queue = [
        ...direct.filter((n) => graph.find((g) => g.project.name === n)!.dependsOn.length === 0),
      ];
      while (queue.length) {
        const next = queue.shift()!;
        if (done.includes(next)) continue;
        const deps = graph.find((g) => g.project.name === next)!.dependsOn;
        expect([next, deps.filter((d) => !done.includes(d))]).toEqual([next, []]);
        done.push(next);
        for (const h of hooks.filter((h) => h.projectName === next)) {
          expect(h).toMatchObject({
            format: "pulumi_deployments",
            filters: ["update_succeeded"],
            stackName: stack,
          });
          const target = String(h.payloadUrl).split("/")[0];
          expect(h.payloadUrl).toBe(`${target}/${stack}`);
          const targetDeps = graph.find((g) => g.project.name === target)!.dependsOn;
          if (targetDeps.every((d) => done.includes(d))) queue.push(target);
        }
      }
      expect(done.sort()).toEqual(graph.map((g) => g.project.name).sort());
      // A file shared with the platform deploys the platform directly, the others through webhooks.
      for (const s of settings.filter((s) => s.inputs.project !== "data-platform")) {
        expect((s.inputs.vcs as { paths: string[] }).paths).not.toContain("package-lock.json");
      }
    },
  );
});

describe("the deployments program", () => {
  const committed = JSON.parse(fs.readFileSync(DEPLOYMENT_PROJECTS_FILE, "utf8")) as DeploymentProject[];

  it.each(["dev", "prod"])(
    "reads a stacks/deployments/projects.json that matches the %s plan (else: npm run deployments:projects)",
    async (stack) => {
      const fresh = deploymentProjects(
        plannedFrom(await planFor(stack)).filter((p) =>
          discoverProjects().some((d) => d.name === p.project.name),
        ),
      );
      expect(committed).toEqual(fresh);
    },
  );

  it("triggers on the files it reads at run time: the policy pack and policies/<env>.json", () => {
    const paths = committed.find((p) => p.name === "deployments")!.paths;
    for (const f of ["policies/dev.json", "policies/prod.json", "policies/index.ts"])
      expect([f, matchesFilter(f, paths)]).toEqual([f, true]);
    const orders = committed.find((p) => p.name === "orders")!.paths;
    expect(matchesFilter("components/warehouse/sql/platform.sql", orders)).toBe(true);
  });

  it("loads production dependencies only: no cli/ or harness/ code, no devDependencies", () => {
    const main = discoverProjects().find((p) => p.name === "deployments")!.main;
    const closure = importClosure(main);
    const rel = closure.map((f) => path.relative(REPO_ROOT, f));
    expect(rel.filter((f) => f.startsWith("cli/") || f.startsWith("harness/"))).toEqual([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const packages = new Set(
      closure
        .filter((f) => f.endsWith(".ts"))
        .flatMap((f) => ts.preProcessFile(fs.readFileSync(f, "utf8"), true, true).importedFiles)
        .map((r) => r.fileName)
        .filter((n) => !n.startsWith(".") && !n.startsWith("node:"))
        .map((n) => (n.startsWith("@") ? n.split("/").slice(0, 2).join("/") : n.split("/")[0])),
    );
    expect([...packages].filter((n) => !(n in pkg.dependencies) && !builtinModules.includes(n))).toEqual([]);
  });
});

describe.each([
  ["dev", "dev"],
  ["prod", "production"],
])("GitHub Actions roles for %s", (stack, githubEnvironment) => {
  type Trust = {
    Statement: (Statement & { Principal: { Federated: string }; Action: string })[];
  };

  it(`let pull requests preview read-only and only jobs of the "${githubEnvironment}" environment deploy`, async () => {
    const platform = planOf(await planFor(stack), "data-platform");
    const github = resourcesOf(platform, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").filter(
      (p) => p.inputs.url === "https://token.actions.githubusercontent.com",
    );
    expect(github.map((p) => p.inputs.clientIdLists)).toEqual([["sts.amazonaws.com"]]);
    const roles = resourcesOf(platform, "aws:iam/role:Role").filter((r) => r.urn.includes("GitHubRoles"));
    const trust = (role: string) => {
      const r = roles.find((x) => x.urn.endsWith(`::github-${role}`))!;
      return (JSON.parse(String(r.inputs.assumeRolePolicy)) as Trust).Statement;
    };
    for (const [role, subject] of [
      ["preview", "repo:my-org/aws-data-platform:pull_request"],
      ["deploy", `repo:my-org/aws-data-platform:environment:${githubEnvironment}`],
    ]) {
      const [st] = trust(role);
      expect(st.Action).toBe("sts:AssumeRoleWithWebIdentity");
      expect(st.Condition?.StringEquals).toEqual({
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": subject,
      });
    }
    const policies = resourcesOf(platform, "aws:iam/rolePolicy:RolePolicy").filter((r) =>
      r.urn.includes("GitHubRoles"),
    );
    const policyOf = (name: string) =>
      String(policies.find((p) => p.urn.endsWith(`::${name}`))!.inputs.policy);
    const account = String(platform.outputs.githubDeployRoleArn).split(":")[4];
    expect(account).toMatch(/^\d{12}$/);
    expect(policyOf("github-preview-policy")).toBe(previewPermissionsPolicy(account));
    expect(policyOf("github-deploy-policy")).toBe(deployPermissionsPolicy(account));
    expect(platform.outputs.githubPreviewRoleArn).toMatch(/^arn:aws:iam::/);
    expect(platform.outputs.githubDeployRoleArn).toMatch(/^arn:aws:iam::/);
  });
});

it("reuses the account's GitHub OIDC provider (an account-wide singleton) when another stack owns it", async () => {
  const platform = await platformPlan("dev", {
    configOverrides: {
      "data-platform": { "data-platform:singletons": JSON.stringify({ githubOidcProvider: "existing" }) },
    },
  });
  const account = String(platform.document.config?.["data-platform:accountId"]);
  const arn = `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
  expect(
    resourcesOf(platform, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").filter(
      (p) => p.inputs.url === "https://token.actions.githubusercontent.com",
    ),
  ).toEqual([]);
  const preview = resourcesOf(platform, "aws:iam/role:Role").find((r) => r.urn.endsWith("::github-preview"))!;
  expect(JSON.parse(String(preview.inputs.assumeRolePolicy)).Statement[0].Principal.Federated).toBe(arn);
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
    for (const file of importClosure(project.main)
      .filter((f) => f.endsWith(".ts"))
      .flatMap(runtimeReads)) {
      const rel = path.relative(REPO_ROOT, file);
      if (rel === "" || rel.startsWith("..")) continue;
      expect([rel, matchesFilter(fs.statSync(file).isDirectory() ? `${rel}/x` : rel, filters)]).toEqual([
        rel,
        true,
      ]);
    }
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
  expect(actions.filter((a) => a.startsWith("kms:") && /ReEncrypt|\*/.test(a))).toEqual([]);
  expect(actions).not.toContain("*");
  expect(actions.filter((a) => a.startsWith("iam:") && /User|AccessKey|Group|LoginProfile/.test(a))).toEqual(
    [],
  );
  expect(actions.filter((a) => a.startsWith("organizations:") || a.startsWith("account:"))).toEqual([]);
});

describe("roles from the plan", () => {
  const allowedBy = (policy: string) => {
    const statements = (JSON.parse(policy) as { Statement: (Statement & { Effect: string })[] }).Statement;
    const list = (effect: string) =>
      statements.filter((st) => st.Effect === effect).flatMap((st) => [st.Action].flat());
    return (action: string) => actionAllowed(list("Allow"), action) && !actionAllowed(list("Deny"), action);
  };

  it.each(["dev", "prod"])(
    "the deploy role allows every action the %s plans' resource types need",
    async (stack) => {
      const plans = await planFor(stack);
      const types = [...new Set(plans.flatMap((p) => p.document.steps.map((s) => s.newState.type)))].sort();
      const allows = allowedBy(deployPermissionsPolicy("123456789012"));
      const unknown = types.filter((t) => requiredActions(t) === undefined);
      expect(unknown).toEqual([]);
      const missing = types.flatMap((t) =>
        requiredActions(t)!
          .filter((a) => !allows(a))
          .map((a) => `${t}: ${a}`),
      );
      expect(missing).toEqual([]);
      // The preview role reads every service a plan uses, and gets an ECR token and nothing that writes.
      const previews = allowedBy(previewPermissionsPolicy("123456789012"));
      const services = [...new Set(types.flatMap((t) => requiredActions(t)!.map((a) => a.split(":")[0])))];
      expect(
        services.filter((svc) => !previews(`${svc}:Describe${"X"}`) || !previews(`${svc}:List${"X"}`)),
      ).toEqual([]);
      expect(previews("ecr:GetAuthorizationToken")).toBe(true);
      for (const write of [
        "s3:PutObject",
        "s3:GetObject",
        "iam:CreateRole",
        "kms:CreateKey",
        "dynamodb:CreateTable",
      ])
        expect([write, previews(write)]).toEqual([write, false]);
    },
  );

  it("never allows kms:Decrypt on every key (policy iam-no-kms-decrypt-all): own account, via Secrets Manager only", () => {
    for (const policy of [
      deployPermissionsPolicy("123456789012"),
      previewPermissionsPolicy("123456789012"),
    ]) {
      const statements = (JSON.parse(policy) as { Statement: (Statement & { Effect: string })[] }).Statement;
      const decrypt = statements.filter(
        (st) => st.Effect === "Allow" && actionAllowed([st.Action].flat(), "kms:Decrypt"),
      );
      expect(decrypt).toEqual([
        {
          Sid: "ReadSecretsUnderCustomerKeys",
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: "arn:aws:kms:*:123456789012:key/*",
          Condition: { StringLike: { "kms:ViaService": "secretsmanager.*.amazonaws.com" } },
        },
      ]);
    }
  });

  it("names the gaps a plan-derived check found before: ECR, RDS subnet groups, kms:Decrypt, instance profile tags, OIDC providers", () => {
    const allows = allowedBy(deployPermissionsPolicy("123456789012"));
    for (const a of [
      "ecr:GetAuthorizationToken",
      "rds:CreateDBSubnetGroup",
      "kms:Decrypt",
      "iam:TagInstanceProfile",
      "iam:CreateOpenIDConnectProvider",
    ])
      expect([a, allows(a)]).toEqual([a, true]);
    expect(requiredActions("aws:gamelift/fleet:Fleet")).toBeUndefined();
    expect(requiredActions("aws:cloudwatch/logGroup:LogGroup")).toEqual(["logs:CreateLogGroup"]);
    expect(requiredActions("pulumiservice:index:Webhook")).toEqual([]);
  });
});
