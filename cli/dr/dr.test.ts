/**
 * The DR stack (`Pulumi.dr.yaml` of every project: prod rebuilt in the DR region, docs/runbook-dr.md
 * section 3) planned as CI plans prod: every project evaluated through the CLI's loader, the policy
 * pack at the levels the stack runs with (prod's), the fresh-account check, the singletons it shares
 * with prod's account, the warehouse restored from prod's snapshot, and the import document
 * `cli/dr/adopt.ts` writes from the DR plans. One set of plans for the whole file.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SINGLETONS, type Singleton } from "../../config/schema";
import { physicalName } from "../../components/batch/names";
import { PLATFORM_SQL_FILE, splitStatements } from "../../components/warehouse/sql";
import type { ProjectPlan } from "../../harness/evaluate";
import { discoverProjects } from "../../harness/projects";
import { planFor, planOf, resourcesOf } from "../../harness/testing";
import { checkFiles } from "../check";
import { platformStacks, singletonFindings, singletonSteps } from "../freshAccount";
import { freshAccountCheck, knownStacks, policyEnvironmentOf } from "../plan";
import { adoptTablesImport, providerTargets } from "./adopt";

const DR = "dr";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dr-plans-"));
let plans: ProjectPlan[];
beforeAll(async () => {
  plans = await planFor(DR);
});
const platform = () => planOf(plans, "data-platform");
const drConfig = () => platformStacks().find((s) => s.stack === DR)!.config;
const prodConfig = () => platformStacks().find((s) => s.stack === "prod")!.config;

describe("the DR stack configuration", () => {
  it("is prod's environment in the DR region prod names, with the regions swapped, in prod's account", () => {
    expect(knownStacks()).toContain(DR);
    const dr = drConfig();
    const prod = prodConfig();
    expect([dr.environment, dr.region, dr.drRegion, dr.accountId]).toEqual([
      "prod",
      prod.drRegion,
      prod.region,
      prod.accountId,
    ]);
    expect(policyEnvironmentOf(DR)).toBe("prod");
  });

  it("plans every project of the repository, each AWS provider in its region and restricted to the account", () => {
    expect(plans.map((p) => p.project.name).sort()).toEqual(
      discoverProjects()
        .map((p) => p.name)
        .sort(),
    );
    const { region, drRegion, accountId } = drConfig();
    for (const plan of plans) {
      const providers = resourcesOf(plan, "pulumi:providers:aws");
      for (const p of providers) {
        expect([plan.project.name, JSON.parse(String(p.inputs.allowedAccountIds))]).toEqual([
          plan.project.name,
          [accountId],
        ]);
        expect([region, drRegion]).toContain(p.inputs.region);
      }
      // The primary provider of every project that has one is in the DR region.
      if (providers.length)
        expect([plan.project.name, providers.some((p) => p.inputs.region === region)]).toEqual([
          plan.project.name,
          true,
        ]);
    }
  });
});

describe("the DR plans in CI", () => {
  it("pass the policy pack at prod levels with zero mandatory violations", async () => {
    const files = plans.map((p) => {
      const file = path.join(dir, `${p.project.name}.json`);
      fs.writeFileSync(file, JSON.stringify(p.document));
      return file;
    });
    const violations = await checkFiles(files, policyEnvironmentOf(DR));
    expect(violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
  });

  it("pass the fresh-account check but for the values to fill in, the warehouse's restore point among them", () => {
    const { failing, report } = freshAccountCheck(plans, DR);
    expect(failing.every((f) => f.rule === "placeholder")).toBe(true);
    expect(failing.map((f) => f.message.split(" = ")[0]).sort()).toEqual(
      [
        "api:authIssuer",
        "api:certificateArn",
        "data-platform:accountId",
        "data-platform:batch.emrTlsCertificatesS3Uri",
        "data-platform:warehouse.restoreFromSnapshot.snapshotIdentifier",
        "delivery:githubRepository",
        "deployments:repository",
      ].sort(),
    );
    expect(report).toContain(
      'data-platform:warehouse.restoreFromSnapshot.snapshotIdentifier = "REPLACE-ME-latest-copied-snapshot" is a placeholder word: put the newest copy of prod\'s warehouse snapshots in the DR region (`npx tsx cli/dr/restore.ts` prints the `pulumi config set`)',
    );
    expect(freshAccountCheck(plans, DR, { allowPlaceholders: true }).failing).toEqual([]);
  });

  it("share prod's account: adopt the account-wide singletons, create the DR region's own", () => {
    expect(singletonFindings(platformStacks())).toEqual([]);
    for (const s of Object.keys(SINGLETONS) as Singleton[]) {
      const created = singletonSteps(platform().document, s).length;
      expect([s, created]).toEqual([s, SINGLETONS[s].scope === "account" ? 0 : 1]);
    }
    // The deploy role trusts the Pulumi OIDC provider prod created in the account.
    const [role] = resourcesOf(platform(), "aws:iam/role:Role").filter((r) =>
      r.urn.endsWith("::deploy-role"),
    );
    expect(String(role.inputs.assumeRolePolicy)).toContain(
      `arn:aws:iam::${drConfig().accountId}:oidc-provider/api.pulumi.com/oidc`,
    );
  });
});

describe("the DR warehouse", () => {
  it("is created from prod's snapshot copy and re-runs only the platform SQL that may run again", () => {
    const [cluster] = resourcesOf(platform(), "aws:redshift/cluster:Cluster");
    expect(cluster.inputs).toMatchObject({
      snapshotIdentifier: drConfig().warehouse.restoreFromSnapshot!.snapshotIdentifier,
      // prod's warehouse: the Warehouse component of project data-platform, stack prod.
      snapshotClusterIdentifier: physicalName(["data-platform", "prod", "warehouse"], { maxLength: 63 }),
      iamRoles: expect.any(Array),
    });
    const applied = resourcesOf(platform(), "aws:redshiftdata/statement:Statement").map((s) =>
      String(s.inputs.sql),
    );
    const all = splitStatements(fs.readFileSync(PLATFORM_SQL_FILE, "utf8"));
    // The users and roles come with the snapshot; CREATE USER / CREATE ROLE would fail there.
    expect(applied).toHaveLength(all.length - 2);
    expect(applied.filter((s) => /^CREATE (USER|ROLE)\b/.test(s))).toEqual([]);
    // The procedures are replaced so COPY reads this stack's zones through this stack's lake role.
    const lakeRole = resourcesOf(platform(), "aws:iam/role:Role").find((r) =>
      r.urn.endsWith("::warehouse-lake"),
    )!;
    const procedures = applied.filter((s) => s.startsWith("CREATE OR REPLACE PROCEDURE"));
    expect(procedures).toHaveLength(3);
    expect(applied.some((s) => s.startsWith("DROP SCHEMA IF EXISTS lake_processed"))).toBe(true);
    expect(lakeRole).toBeDefined();
  });
});

describe.each(["orders", "clickstream"])("adopting %s's replica tables into its DR stack", (domain) => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "adopt.ts"), ...args], {
      encoding: "utf8",
    });

  it("imports every table the DR program declares, under its parent and provider, by the primary's physical names", () => {
    const plan = planOf(plans, domain);
    const planFile = path.join(dir, `${domain}-dr-preview.json`);
    const outputsFile = path.join(dir, `${domain}-prod.json`);
    // The primary's outputs name the tables (the replicas share their names).
    const outputs = {
      servingTableName: `${domain}-table-1a2b3c4`,
      windowTableName: `${domain}-windows-5d6e7f8`,
    };
    fs.writeFileSync(planFile, JSON.stringify(plan.document));
    fs.writeFileSync(outputsFile, JSON.stringify(outputs));

    const r = cli(["--plan", planFile, "--outputs", outputsFile]);
    expect(r.stderr).toBe("");
    const file = JSON.parse(r.stdout) as ReturnType<typeof adoptTablesImport>;

    const tables = resourcesOf(plan, "aws:dynamodb/table:Table");
    expect(tables.length).toBeGreaterThan(0);
    const adopted = file.resources.filter((x) => x.type === "aws:dynamodb/table:Table");
    expect(adopted.map((x) => x.id).sort()).toEqual(Object.values(outputs).slice(0, tables.length).sort());
    const byUrn = new Map(plan.document.steps.map((s) => [s.urn, s.newState]));
    for (const t of tables) {
      const entry = adopted.find((x) => t.urn.endsWith(`::${x.logicalName ?? x.name}`))!;
      // Under the component the DR program declares it under, which the import creates empty...
      const parent = file.resources.find((x) => x.name === entry.parent)!;
      expect(parent).toMatchObject({ component: true, type: byUrn.get(t.parent!)!.type });
      expect(t.parent!.endsWith(`::${parent.logicalName ?? parent.name}`)).toBe(true);
      expect(t.parent).toMatch(new RegExp(`^urn:pulumi:${DR}::${domain}::`));
      // ...with the program's own provider (a default provider would replace the table on the next up).
      expect(`${file.nameTable[entry.provider!]}::`).toBe(
        t.provider!.slice(0, t.provider!.lastIndexOf("::") + 2),
      );
    }
    expect(providerTargets(file)).toEqual([
      ...new Set(tables.map((t) => t.provider!.replace(/::[^:]+$/, ""))),
    ]);
    const targets = cli(["--plan", planFile, "--outputs", outputsFile, "--provider-targets"]);
    expect(targets.stdout.trim()).toBe(
      providerTargets(file)
        .map((u) => `--target ${u}`)
        .join(" "),
    );
    // The replicas the program declares are in the DR stack's DR region, i.e. the primary region:
    // the imported replica's own replica list, so `pulumi up` after the import changes no replica.
    const replicaRegions = tables.map((t) =>
      ((t.inputs.replicas ?? []) as { regionName: string }[]).map((x) => x.regionName),
    );
    for (const regions of replicaRegions) for (const r of regions) expect(r).toBe(drConfig().drRegion);
    expect(replicaRegions).toContainEqual([drConfig().drRegion]);
  });
});

describe("adopt refuses a partial import", () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "adopt.ts"), ...args], {
      encoding: "utf8",
    });
  it("names the table and the missing output, and exits 1 on a plan without tables and 2 without arguments", () => {
    const steps = [
      {
        urn: "urn:pulumi:dr::orders::dataplatform:streaming:Pipeline$aws:dynamodb/table:Table::orders-table",
        newState: {
          type: "aws:dynamodb/table:Table",
          parent: "urn:pulumi:dr::orders::dataplatform:streaming:Pipeline::orders",
        },
      },
    ];
    expect(() => adoptTablesImport(steps, {})).toThrow(
      'cannot adopt the DR tables:\n  - orders-table: no physical name (output "servingTableName" is undefined)',
    );
    const bad = path.join(dir, "empty.json");
    fs.writeFileSync(bad, JSON.stringify({ steps: [] }));
    const r = cli(["--plan", bad, "--outputs", bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/declares no aws:dynamodb\/table:Table/);
    // No arguments is a usage mistake (exit 2, the usage), not a failed adoption.
    expect(cli([]).status).toBe(2);
  });
});
