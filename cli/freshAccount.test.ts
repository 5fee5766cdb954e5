import * as path from "node:path";
import { resolvePlatformConfig } from "../config/load";
import { SINGLETONS, type Singleton } from "../config/schema";
import type { ProjectPlan } from "../harness/evaluate";
import type { PlanDocument } from "../harness/plan";
import { discoverProjects, stackConfig } from "../harness/projects";
import { planFor, planOf, resourcesOf } from "../harness/testing";
import { freshAccountCheck } from "./plan";
import {
  type CheckedPlan,
  FLINK_DIR,
  freshAccountFindings,
  placeholderFindings,
  placeholderReason,
  platformStacks,
  SINGLETON_TYPES,
  singletonSteps,
  singletonFindings,
  singletonsCreatedBy,
} from "./freshAccount";

/*
 * The fresh-account check over real offline plans: the committed example configuration stops a
 * first deployment with one finding per value to fill in; the same stacks with those values filled
 * in pass; a duplicated singleton, a provider without allowedAccountIds and a literal ARN fail.
 */

/** What a team puts into the prerequisites of a new account (values that are not examples). */
function filled(env: "dev" | "prod"): Record<string, Record<string, string>> {
  const account = env === "dev" ? "310987654321" : "410987654321";
  return {
    "data-platform": {
      "data-platform:accountId": account,
      "delivery:githubRepository": "acme-data/aws-data-platform",
      ...(env === "prod"
        ? {
            "data-platform:batch": JSON.stringify({ emrTlsCertificatesS3Uri: "s3://acme-pki/emr/certs.zip" }),
          }
        : {}),
    },
    api: {
      "api:certificateArn": `arn:aws:acm:us-east-1:${account}:certificate/3f1c2a9e-8b7d-4c6e-9a51-2d0b7e4f6c18`,
      "api:authIssuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E",
      ...(env === "prod"
        ? {
            "api:edge": JSON.stringify({
              enabled: true,
              aliases: ["api.acme-data.io"],
              certificateArn: `arn:aws:acm:us-east-1:${account}:certificate/7c2e4b1a-5d3f-4e8a-b6c9-0f1e2d3c4b5a`,
              originDomainName: "origin.api.acme-data.io",
            }),
          }
        : {}),
    },
    ...(env === "prod"
      ? {
          orders: {
            "orders:quicksight": JSON.stringify({
              enabled: true,
              principalArn: `arn:aws:quicksight:us-east-1:${account}:group/default/acme-analysts`,
            }),
          },
        }
      : {}),
    deployments: { "deployments:repository": "acme-data/aws-data-platform" },
  };
}

const checked = (plans: ProjectPlan[]): CheckedPlan[] =>
  plans.map((p) => ({ project: p.project.name, document: p.document }));

/** The platform stacks as committed, with `stack`'s configuration replaced by the filled-in one. */
function stacksWith(stack: "dev" | "prod") {
  return platformStacks().map((s) =>
    s.stack === stack
      ? {
          stack,
          config: resolvePlatformConfig(
            {
              ...s.config,
              accountId: filled(stack)["data-platform"]["data-platform:accountId"],
            },
            stack,
          ),
        }
      : s,
  );
}

const committed = (stack: string): CheckedPlan[] =>
  discoverProjects().map((project) => ({
    project: project.name,
    document: { config: stackConfig(project, stack), steps: [], changeSummary: {} } as PlanDocument,
  }));

describe("placeholders", () => {
  it("recognises example values and leaves real ones alone", () => {
    expect(placeholderReason("111111111111")).toBe("a repeated-digit account id");
    expect(placeholderReason("arn:aws:acm:us-east-1:123456789012:certificate/x")).toBe(
      "the AWS documentation example account",
    );
    expect(placeholderReason("s3://my-org-pki/emr/certs.zip")).toBe('the example organisation "my-org"');
    expect(placeholderReason("https://issuer.local.invalid")).toBe("an example host");
    expect(placeholderReason("310987654321")).toBeUndefined();
    expect(placeholderReason("s3://acme-pki/emr/certs.zip")).toBeUndefined();
    expect(
      placeholderReason("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E"),
    ).toBeUndefined();
  });

  it.each([
    ["dev", []],
    [
      "prod",
      [
        "data-platform:batch.emrTlsCertificatesS3Uri",
        "api:edge.aliases[0]",
        "api:edge.certificateArn",
        "api:edge.originDomainName",
        "orders:quicksight.principalArn",
      ],
    ],
  ])(
    "stops the committed %s configuration at every value still to fill in, naming the key and what goes there",
    (stack, extra) => {
      const findings = committed(stack).flatMap(placeholderFindings);
      expect(findings.map((f) => f.message.split(" = ")[0]).sort()).toEqual(
        [
          "api:authIssuer",
          "api:certificateArn",
          "data-platform:accountId",
          "delivery:githubRepository",
          "deployments:repository",
          ...extra,
        ].sort(),
      );
      const account = findings.find((f) => f.message.startsWith("data-platform:accountId"))!;
      expect(account.message).toMatch(
        /is a repeated-digit account id: put the 12-digit id of the AWS account this environment deploys into .*\(docs\/bootstrap\.md#1-accounts\) there$/,
      );
    },
  );

  it("reports placeholders as warnings with --allow-placeholders, and fails on them without", () => {
    const plans = committed("prod").map(
      (p) => ({ project: { name: p.project }, document: p.document }) as unknown as ProjectPlan,
    );
    expect(freshAccountCheck(plans, "prod").failing.map((f) => f.rule)).toEqual(
      Array(10).fill("placeholder"),
    );
    const allowed = freshAccountCheck(plans, "prod", { allowPlaceholders: true });
    expect(allowed.failing).toEqual([]);
    expect(allowed.report).toMatch(
      /Placeholders \(allowed by --allow-placeholders; fill them in before deploying\):/,
    );
  });
});

describe("fresh-account check over the prod plans, prerequisites filled in", () => {
  let plans: Promise<ProjectPlan[]>;
  beforeAll(() => {
    plans = planFor("prod", { configOverrides: filled("prod") });
  });

  it("passes: no placeholder, every provider on the account, every ARN traced, no duplicated singleton", async () => {
    // The Flink connector JARs fetched too (runtime/flink/lib/ is not committed).
    const findings = freshAccountFindings(checked(await plans), stacksWith("prod"), "prod", () => true);
    expect(findings).toEqual([]);
  });

  it("names each Flink connector JAR the repository does not hold, and only for plans with a Flink application", async () => {
    const present = new Set<string>();
    const missing = checked(await plans);
    const findings = freshAccountFindings(missing, stacksWith("prod"), "prod", (f) => present.has(f));
    expect(findings.map((f) => `${f.rule} ${f.project}`)).toEqual([
      "artifact clickstream",
      "artifact clickstream",
    ]);
    expect(findings[0].message).toMatch(
      /^runtime\/flink\/lib\/flink-sql-connector-kinesis-[\d.-]+\.jar is missing: .*fetch org\.apache\.flink:flink-sql-connector-kinesis:/,
    );
    // Once both are there, nothing is left.
    for (const f of findings) present.add(path.join(FLINK_DIR, "lib", /lib\/(\S+\.jar)/.exec(f.message)![1]));
    expect(freshAccountFindings(missing, stacksWith("prod"), "prod", (f) => present.has(f))).toEqual([]);
  });

  it("puts the environment's account on every AWS provider of every project", async () => {
    for (const plan of await plans) {
      for (const p of resourcesOf(plan, "pulumi:providers:aws")) {
        expect([plan.project.name, JSON.parse(String(p.inputs.allowedAccountIds))]).toEqual([
          plan.project.name,
          ["410987654321"],
        ]);
      }
    }
  });

  it("fails a provider without allowedAccountIds", async () => {
    const platform = planOf(await plans, "data-platform");
    const document = JSON.parse(JSON.stringify(platform.document)) as PlanDocument;
    const provider = document.steps.find((s) => s.newState.type === "pulumi:providers:aws")!;
    delete (provider.newState.inputs as Record<string, unknown>).allowedAccountIds;
    const findings = freshAccountFindings(
      [{ project: "data-platform", document }],
      stacksWith("prod"),
      "prod",
    );
    expect(findings.map((f) => f.rule)).toEqual(["account"]);
    expect(findings[0].message).toMatch(
      /provider platform-aws(-dr)? has allowedAccountIds \[\]: it must be \["410987654321"\] \(data-platform:accountId\)/,
    );
  });

  it("fails a literal ARN that no resource, StackReference or config value produced", async () => {
    const orders = planOf(await plans, "orders");
    const document = JSON.parse(JSON.stringify(orders.document)) as PlanDocument;
    const stream = document.steps.find((s) => s.newState.type === "aws:kinesis/stream:Stream")!;
    // As if the key ARN had been pasted into the program instead of read from the platform stack.
    stream.newState.propertyDependencies.kmsKeyId = [];
    const findings = freshAccountFindings([{ project: "orders", document }], stacksWith("prod"), "prod");
    expect(findings.map((f) => f.rule)).toEqual(["untraced"]);
    expect(findings[0].message).toMatch(
      /aws:kinesis\/stream:Stream orders-stream input kmsKeyId = arn:aws:kms:.* comes from no resource, StackReference output or configuration value/,
    );
  });

  it("creates exactly the singletons its configuration gives the stack", async () => {
    const platform = planOf(await plans, "data-platform");
    const created = new Set(singletonsCreatedBy(stacksWith("prod").find((s) => s.stack === "prod")!.config));
    expect(created.size).toBe(Object.keys(SINGLETONS).length);
    for (const singleton of Object.keys(SINGLETON_TYPES) as Singleton[]) {
      expect([singleton, singletonSteps(platform.document, singleton).length]).toEqual([
        singleton,
        created.has(singleton as Singleton) ? 1 : 0,
      ]);
    }
  });
});

describe("singletons across the stacks of one account", () => {
  const cfg = (stack: string, extra: Record<string, unknown> = {}) =>
    resolvePlatformConfig(
      {
        owner: "o",
        costCenter: "c",
        accountId: "310987654321",
        batch: { emrTlsCertificatesS3Uri: "s3://acme-pki/emr/certs.zip" },
        ...extra,
      },
      stack,
    );

  it("fails dev and prod in one account when both create every singleton, naming each and the switch", () => {
    const findings = singletonFindings([
      { stack: "dev", config: cfg("dev") },
      { stack: "prod", config: cfg("prod") },
    ]);
    expect(findings.map((f) => f.message.split(" is created")[0]).sort()).toEqual(
      Object.values(SINGLETONS)
        .map((s) => s.what)
        .sort(),
    );
    expect(findings.find((f) => f.message.startsWith("GuardDuty"))!.message).toBe(
      'GuardDuty detector is created by stacks dev and prod in account 310987654321, us-east-1: keep one stack on "create" and set data-platform:singletons.guardDutyDetector: existing in Pulumi.prod.yaml (docs/bootstrap.md#3-singletons)',
    );
  });

  it("passes when one stack adopts the others' singletons, or the stacks are in different accounts or regions", () => {
    const existing = Object.fromEntries(Object.keys(SINGLETONS).map((k) => [k, "existing"]));
    expect(
      singletonFindings([
        { stack: "dev", config: cfg("dev", { singletons: existing }) },
        { stack: "prod", config: cfg("prod") },
      ]),
    ).toEqual([]);
    expect(
      singletonFindings([
        { stack: "dev", config: cfg("dev", { accountId: "510987654321" }) },
        { stack: "prod", config: cfg("prod") },
      ]),
    ).toEqual([]);
    // A DR stack in another region of the same account shares only the account-wide OIDC providers.
    const dr = singletonFindings([
      { stack: "prod", config: cfg("prod") },
      {
        stack: "prod-dr",
        config: cfg("prod-dr", { environment: "prod", region: "us-west-2", drRegion: "us-east-1" }),
      },
    ]);
    expect(dr.map((f) => f.message.split(" is created")[0])).toEqual([
      SINGLETONS.pulumiOidcProvider.what,
      SINGLETONS.githubOidcProvider.what,
    ]);
  });

  it("the committed stacks are in different accounts and collide nowhere", () => {
    expect(singletonFindings(platformStacks())).toEqual([]);
  });
});

describe("adopting existing singletons (dev, every singleton on existing)", () => {
  it("creates none of them and trusts the account's existing Pulumi OIDC provider", async () => {
    const existing = Object.fromEntries(Object.keys(SINGLETONS).map((k) => [k, "existing"]));
    const root = discoverProjects().filter((p) => p.name === "data-platform");
    const plan = planOf(
      await planFor("dev", {
        projects: root,
        configOverrides: { "data-platform": { "data-platform:singletons": JSON.stringify(existing) } },
      }),
      "data-platform",
    );
    for (const singleton of Object.keys(SINGLETON_TYPES) as Singleton[])
      expect([singleton, singletonSteps(plan.document, singleton)]).toEqual([singleton, []]);
    expect(resourcesOf(plan, "aws:lakeformation/lfTag:LfTag")).toEqual([]);
    const [role] = resourcesOf(plan, "aws:iam/role:Role").filter((r) => r.urn.endsWith("::deploy-role"));
    expect(String(role.inputs.assumeRolePolicy)).toContain(
      "arn:aws:iam::111111111111:oidc-provider/api.pulumi.com/oidc",
    );
  });
});
