import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { discoverProjects } from "../../harness/projects";
import { planFor, planOf, resourcesOf } from "../../harness/testing";
import { adoptTablesImport } from "./adopt";

const projects = discoverProjects().filter((p) =>
  ["data-platform", "orders", "clickstream"].includes(p.name),
);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dr-adopt-"));
const cli = (args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "adopt.ts"), ...args], {
    encoding: "utf8",
  });

describe.each(["orders", "clickstream"])("adopting %s's replica tables into its DR stack", (domain) => {
  it("imports every table the prod program declares, under its parent, by the primary's physical names", async () => {
    const plan = planOf(await planFor("prod", { projects }), domain);
    const planFile = path.join(dir, `${domain}-plan.json`);
    const outputsFile = path.join(dir, `${domain}-outputs.json`);
    fs.writeFileSync(planFile, JSON.stringify(plan.document));
    fs.writeFileSync(outputsFile, JSON.stringify(plan.outputs));

    const r = cli(["--plan", planFile, "--outputs", outputsFile]);
    expect(r.stderr).toBe("");
    const file = JSON.parse(r.stdout) as ReturnType<typeof adoptTablesImport>;

    const tables = resourcesOf(plan, "aws:dynamodb/table:Table");
    expect(tables.length).toBe(plan.outputs.windowTableName ? 2 : 1);
    expect(file.resources.map((x) => x.id).sort()).toEqual(
      [plan.outputs.servingTableName, plan.outputs.windowTableName].filter(Boolean).sort(),
    );
    const components = new Set(plan.document.steps.map((s) => s.urn));
    for (const t of tables) {
      const entry = file.resources.find((x) => t.urn.endsWith(`::${x.name}`))!;
      expect(entry.type).toBe("aws:dynamodb/table:Table");
      // The parent is the Pipeline component the program declares the table under.
      expect(file.nameTable[entry.parent!]).toBe(t.parent);
      expect(components.has(file.nameTable[entry.parent!])).toBe(true);
    }
  });
});

describe("adopt refuses a partial import", () => {
  it("names the table and the missing output", () => {
    const steps = [
      {
        urn: "urn:pulumi:prod::orders::dataplatform:streaming:Pipeline$aws:dynamodb/table:Table::orders-table",
        newState: {
          type: "aws:dynamodb/table:Table",
          parent: "urn:pulumi:prod::orders::dataplatform:streaming:Pipeline::orders",
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
    expect(() =>
      execFileSync(process.execPath, ["--import", "tsx", path.join(__dirname, "adopt.ts")], {
        stdio: "pipe",
      }),
    ).toThrow();
  });
});
