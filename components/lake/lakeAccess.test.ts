/**
 * Lake Formation as planned: every domain database and table carries the LF-tags `domain`,
 * `classification` and `zone`, and every principal that reads or writes a table holds a tag-based
 * grant whose expression matches that table's tags (evaluated here against the tags in the plans).
 */
import type { ProjectPlan } from "../../harness/evaluate";
import { discoverProjects } from "../../harness/projects";
import { planFor, resourcesOf } from "../../harness/testing";

type Resource = ReturnType<typeof resourcesOf>[number];
type Tags = Record<string, string>;
interface Grant {
  urn: string;
  roleUrn: string;
  resourceType: string;
  expression: Record<string, string[]>;
  permissions: string[];
}
interface Table {
  database: string;
  name: string;
  tags: Tags;
}

const projects = discoverProjects().filter((p) =>
  ["data-platform", "orders", "clickstream"].includes(p.name),
);
const all = (plans: ProjectPlan[], type: string) => plans.flatMap((p) => resourcesOf(p, type));

/** Tables with their effective LF-tags: the database's, overridden by the table's own. */
function taggedTables(plans: ProjectPlan[]): Table[] {
  const dbTags = new Map<string, Tags>();
  const tableTags = new Map<string, Tags>();
  for (const r of all(plans, "aws:lakeformation/resourceLfTags:ResourceLfTags")) {
    const i = r.inputs as {
      database?: { name: string };
      table?: { databaseName: string; name: string };
      lfTags: { key: string; value: string }[];
    };
    const tags = Object.fromEntries(i.lfTags.map((t) => [t.key, t.value]));
    if (i.table) tableTags.set(`${i.table.databaseName}.${i.table.name}`, tags);
    else if (i.database) dbTags.set(i.database.name, tags);
  }
  return all(plans, "aws:glue/catalogTable:CatalogTable").map((t) => {
    const database = String(t.inputs.databaseName);
    const name = String(t.inputs.name);
    return { database, name, tags: { ...dbTags.get(database), ...tableTags.get(`${database}.${name}`) } };
  });
}

/** Tag-based grants, with the role each one names (followed through the recorded property dependency). */
function tagGrants(plans: ProjectPlan[]): Grant[] {
  const roles = new Set(all(plans, "aws:iam/role:Role").map((r) => r.urn));
  return all(plans, "aws:lakeformation/permissions:Permissions")
    .filter((p) => p.inputs.lfTagPolicy)
    .map((p) => {
      const policy = p.inputs.lfTagPolicy as {
        resourceType: string;
        expressions: { key: string; values: string[] }[];
      };
      return {
        urn: p.urn,
        roleUrn: (p.propertyDependencies.principal ?? []).find((u) => roles.has(u)) ?? "",
        resourceType: policy.resourceType,
        expression: Object.fromEntries(policy.expressions.map((e) => [e.key, e.values])),
        permissions: p.inputs.permissions as string[],
      };
    });
}

const matches = (expression: Record<string, string[]>, tags: Tags) =>
  Object.entries(expression).every(([k, values]) => tags[k] !== undefined && values.includes(tags[k]));

/** The (role, table, permission) triples no TABLE grant covers. */
function uncovered(needs: { role: Resource; table: Table; permission: string }[], grants: Grant[]): string[] {
  return needs
    .filter(
      (n) =>
        !grants.some(
          (g) =>
            g.roleUrn === n.role.urn &&
            g.resourceType === "TABLE" &&
            g.permissions.includes(n.permission) &&
            matches(g.expression, n.table.tags),
        ),
    )
    .map((n) => `${n.role.urn.split("::").pop()} ${n.permission} ${n.table.database}.${n.table.name}`);
}

describe.each(["dev", "prod"])("Lake Formation (%s)", (stack) => {
  const load = async () => {
    const plans = await planFor(stack, { projects });
    const role = (suffix: RegExp) => {
      const found = all(plans, "aws:iam/role:Role").filter((r) => suffix.test(r.urn));
      if (found.length !== 1) throw new Error(`expected one role matching ${suffix}, found ${found.length}`);
      return found[0];
    };
    return { plans, tables: taggedTables(plans), grants: tagGrants(plans), role };
  };

  it("tags every domain database and table with domain, classification and zone", async () => {
    const { plans, tables } = await load();
    const domainTables = tables.filter((t) => !/^lake_/.test(t.database));
    expect(domainTables.length).toBeGreaterThanOrEqual(3);
    for (const t of domainTables)
      expect([t.database, t.name, Object.keys(t.tags).sort()]).toEqual([
        t.database,
        t.name,
        ["classification", "domain", "zone"],
      ]);
    const domainDatabases = all(plans, "aws:glue/catalogDatabase:CatalogDatabase").filter(
      (d) => !/^lake_/.test(String(d.inputs.name)),
    );
    const tagged = new Set(
      all(plans, "aws:lakeformation/resourceLfTags:ResourceLfTags")
        .map((r) => (r.inputs.database as { name?: string } | undefined)?.name)
        .filter(Boolean),
    );
    for (const d of domainDatabases) expect(tagged).toContain(d.inputs.name);
    const orders = domainTables.filter((t) => t.tags.domain === "orders");
    expect(orders.map((t) => t.tags.zone).sort()).toEqual(["processed", "raw"]);
  });

  it("gives every reader and writer of a table a tag-based grant covering it", async () => {
    const { tables, grants, role } = await load();
    const analyst = role(/::lake-access-analyst$/);
    const spectrum = role(/::warehouse-lake$/);
    const spark = role(/::spark-(job|instance)$/);
    const glue = role(/::orders-to-parquet-role$/);
    const zone = (z: string) => tables.filter((t) => t.tags.zone === z);
    const ordersTable = (z: string) => tables.filter((t) => t.tags.domain === "orders" && t.tags.zone === z);
    const needs = [
      ...[...zone("processed"), ...zone("curated")]
        .filter((t) => ["public", "internal"].includes(t.tags.classification))
        .map((table) => ({ role: analyst, table, permission: "SELECT" })),
      ...zone("processed").map((table) => ({ role: spectrum, table, permission: "SELECT" })),
      ...ordersTable("processed").map((table) => ({ role: spark, table, permission: "SELECT" })),
      ...ordersTable("raw").map((table) => ({ role: glue, table, permission: "SELECT" })),
      ...ordersTable("processed").map((table) => ({ role: glue, table, permission: "INSERT" })),
    ];
    expect(needs.length).toBeGreaterThanOrEqual(4);
    expect(uncovered(needs, grants)).toEqual([]);
    // Not vacuous: without the Spectrum role's grants its processed tables are uncovered.
    expect(
      uncovered(
        needs,
        grants.filter((g) => g.roleUrn !== spectrum.urn),
      ).length,
    ).toBeGreaterThan(0);
    // Every grantee can see the databases too.
    for (const r of [analyst, spectrum, spark, glue])
      expect(grants.some((g) => g.roleUrn === r.urn && g.resourceType === "DATABASE")).toBe(true);
  });

  it("never grants analysts confidential or restricted data, nor the raw zone", async () => {
    const { grants, role } = await load();
    const analyst = role(/::lake-access-analyst$/);
    for (const g of grants.filter((x) => x.roleUrn === analyst.urn)) {
      expect(g.expression.classification ?? []).not.toContain("confidential");
      expect(g.expression.classification ?? []).not.toContain("restricted");
      expect(g.expression.zone).not.toContain("raw");
    }
  });
});
