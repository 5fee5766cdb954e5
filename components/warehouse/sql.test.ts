import * as fs from "node:fs";
import * as path from "node:path";
import {
  isReplayable,
  LOAD_EVENTS_STATEMENT,
  LOAD_RUN_STATEMENT,
  PLATFORM_SQL_FILE,
  placeholdersOf,
  renderWarehouseSql,
  splitStatements,
  tableColumns,
  tableLayouts,
  WAREHOUSE_LOAD_ROLE,
} from "./sql";

const vars = {
  load_role: WAREHOUSE_LOAD_ROLE,
  load_user: "etl_loader",
  lake_role_arn: "arn:aws:iam::123456789012:role/warehouse-lake-1",
  processed_uri: "s3://processed-1/",
  curated_uri: "s3://curated-1/",
  glue_database: "processed",
};

/** The statement creating `procedure`, by name. */
function procedure(sql: string, name: string): string {
  const s = splitStatements(sql).find((x) => x.sql.startsWith(`CREATE OR REPLACE PROCEDURE ${name}(`));
  if (!s) throw new Error(`no procedure ${name}`);
  return s.sql;
}

/** The procedure's body between `BEGIN` and `END;`, one statement per entry (comments dropped). */
function bodyStatements(proc: string): string[] {
  const body = /\nBEGIN\n([\s\S]*)\nEND;\n/.exec(proc)![1];
  return body
    .split(/;\s*\n/)
    .map((x) => x.replace(/--.*$/gm, "").replace(/\s+/g, " ").trim().replace(/;$/, ""))
    .filter(Boolean);
}

/** `ROLLUP_COLUMNS` of the Spark roll-up the workflow runs (the files' columns, in order). */
function sparkRollupColumns(): string[] {
  const py = fs.readFileSync(path.join(__dirname, "../../runtime/jobs/spark/daily_event_rollup.py"), "utf8");
  return [.../ROLLUP_COLUMNS = \(([\s\S]*?)\)/.exec(py)![1].matchAll(/"([a-z_]+)"/g)].map((m) => m[1]);
}

describe("platform DDL", () => {
  const sql = renderWarehouseSql(vars);

  it("gives every platform table an explicit distribution style and a sort key", () => {
    const layouts = tableLayouts(sql);
    expect(layouts.map((t) => t.table)).toEqual([
      "platform.events",
      "platform.entities",
      "platform.event_rollups_hourly",
    ]);
    for (const t of layouts) {
      expect(t.distStyle).toMatch(/^(KEY|ALL|EVEN)$/);
      expect(t.sortKey).toBeTruthy();
      if (t.distStyle === "KEY") expect(t.distKey).toBeTruthy();
    }
    expect(layouts[0]).toMatchObject({ distKey: "entity_id", sortKey: "event_date,event_time" });
  });

  it("loads from the processed zone with COPY through the lake role and maps the Glue catalog for Spectrum", () => {
    expect(sql).toContain("quote_literal('s3://processed-1/' || dataset || 'year='");
    expect(sql).toContain("' IAM_ROLE ' || quote_literal('arn:aws:iam::123456789012:role/warehouse-lake-1')");
    expect(sql).toContain("FORMAT AS PARQUET");
    expect(sql).toMatch(
      /CREATE EXTERNAL SCHEMA IF NOT EXISTS lake_processed\s+FROM DATA CATALOG\s+DATABASE 'processed'\s+IAM_ROLE 'arn:aws:iam::123456789012:role\/warehouse-lake-1'/,
    );
    expect(sql).not.toMatch(/\{\{/);
  });

  it("declares exactly the placeholders the renderer documents", () => {
    expect(placeholdersOf(fs.readFileSync(PLATFORM_SQL_FILE, "utf8"))).toEqual(Object.keys(vars).sort());
  });

  it("refuses to render with a missing value or one that escapes its literal", () => {
    expect(() => renderWarehouseSql({ ...vars, curated_uri: "s3://curated-1" })).toThrow(
      /\{\{curated_uri\}\} = "s3:\/\/curated-1": an s3:\/\/bucket\/ location ending with \//,
    );
    expect(() => renderWarehouseSql({ ...vars, load_role: "loader; DROP" })).toThrow(
      /\{\{load_role\}\} = .* contains a quote|is not a plain identifier/,
    );
    expect(() => renderWarehouseSql({ ...vars, glue_database: "" })).toThrow(
      "no value for {{glue_database}}",
    );
    expect(() =>
      renderWarehouseSql({ ...vars, lake_role_arn: "x'; DROP TABLE platform.events; --" }),
    ).toThrow(/\{\{lake_role_arn\}\} = .* contains a quote/);
    expect(() => renderWarehouseSql({ ...vars, processed_uri: "s3://processed-1" })).toThrow(
      /ending with \//,
    );
  });
});

describe("platform DDL as Data API statements", () => {
  const statements = splitStatements(renderWarehouseSql(vars));

  it("runs every statement once, the procedure body whole, in file order", () => {
    const firstWords = statements.map((s) => s.sql.split(/\s+/).slice(0, 3).join(" "));
    expect(firstWords[0]).toBe("CREATE SCHEMA IF");
    const procedure = statements.find((s) => s.sql.startsWith("CREATE OR REPLACE PROCEDURE"))!;
    expect(procedure.sql).toMatch(
      /DELETE FROM platform\.events_staging;\n[\s\S]*MERGE INTO[\s\S]*\$\$ LANGUAGE plpgsql\nSECURITY DEFINER$/,
    );
    expect(statements.filter((s) => s.sql.startsWith("CREATE USER"))).toHaveLength(1);
    expect(firstWords.at(-1)).toBe("GRANT USAGE ON");
    for (const s of statements) expect(s.sql).not.toMatch(/^--|;$/);
  });

  it("keys each statement by its content, so editing one does not re-run the others", () => {
    const edited = splitStatements(
      renderWarehouseSql(vars).replace("SORTKEY (entity_id)", "SORTKEY (entity_type)"),
    );
    const changed = edited.filter((e, i) => e.key !== statements[i].key);
    expect(changed).toHaveLength(1);
    expect(changed[0].sql).toContain("platform.entities");
    expect(new Set(statements.map((s) => s.key)).size).toBe(statements.length);
  });

  it("refuses a script whose last statement is not terminated", () => {
    expect(() => splitStatements("CREATE SCHEMA a;\nCREATE SCHEMA b")).toThrow(/does not end with ;/);
  });
});

describe("roll-ups loaded into the warehouse", () => {
  const sql = renderWarehouseSql(vars);
  const rollups = procedure(sql, "platform.load_rollups_for_run");

  it("lands the Spark roll-up files' columns in order (COPY from Parquet maps by position)", () => {
    const files = sparkRollupColumns();
    expect(files).toHaveLength(7);
    expect(tableColumns(sql, "platform.event_rollups_hourly")).toEqual([...files, "source_dataset"]);
    const temp = /CREATE TEMP TABLE platform_rollups_in \(([\s\S]*?)\n\s*\);/.exec(rollups)![1];
    expect(temp.split(",").map((c) => c.trim().split(/\s+/)[0])).toEqual(files);
  });

  it("replaces one dataset's roll-ups of the run's previous day: COPY from the curated zone, delete that day, insert", () => {
    const steps = bodyStatements(rollups);
    const copy = steps.findIndex((x) => x.startsWith("EXECUTE 'COPY platform_rollups_in FROM '"));
    const del = steps.indexOf(
      "DELETE FROM platform.event_rollups_hourly WHERE event_date = day AND source_dataset = dataset",
    );
    const ins = steps.findIndex((x) => x.startsWith("INSERT INTO platform.event_rollups_hourly SELECT"));
    expect(copy).toBeGreaterThan(0);
    expect([copy < del, del < ins]).toEqual([true, true]);
    expect(steps[copy]).toContain(
      "quote_literal('s3://curated-1/' || dataset || 'year=' || TO_CHAR(day, 'YYYY') || '/month=' || TO_CHAR(day, 'MM') || '/day=' || TO_CHAR(day, 'DD') || '/')",
    );
    expect(steps[copy]).toContain(
      "' IAM_ROLE ' || quote_literal('arn:aws:iam::123456789012:role/warehouse-lake-1')",
    );
    expect(steps[ins]).toMatch(/SELECT .*, dataset FROM platform_rollups_in WHERE event_date = day$/);
    expect(rollups).toMatch(/day DATE := run_date - 1;/);
    // A session-private table: two domains loading at once never read each other's files.
    expect(steps).toContain("DROP TABLE IF EXISTS platform_rollups_in");
  });

  it("commits a run's events and roll-ups together, and nothing half-way", () => {
    const run = procedure(sql, "platform.load_run");
    expect(bodyStatements(run)).toEqual([
      "CALL platform.load_events_for_run(run_date, events_dataset)",
      "CALL platform.load_rollups_for_run(run_date, rollups_dataset)",
    ]);
    // COMMIT/ROLLBACK inside, or TRUNCATE (which commits in Redshift), would split the transaction.
    for (const name of ["platform.load_events_for_run", "platform.load_rollups_for_run", "platform.load_run"])
      for (const step of bodyStatements(procedure(sql, name)))
        expect([name, step]).not.toEqual([name, expect.stringMatching(/^(COMMIT|ROLLBACK|TRUNCATE)\b/)]);
  });

  it("binds every argument of the procedures the workflow calls", () => {
    const arity = (call: string) => call.slice(call.indexOf("(") + 1, -1).split(",").length;
    const params = (name: string) => {
      const signature = new RegExp(
        `PROCEDURE ${name.replace(".", "\\.")}\\(([^)]*\\([^)]*\\)[^)]*|[^)]*)\\)`,
      ).exec(sql)![1];
      return signature.split(/,(?![^(]*\))/).length;
    };
    expect(arity(LOAD_RUN_STATEMENT)).toBe(params("platform.load_run"));
    expect(arity(LOAD_EVENTS_STATEMENT)).toBe(params("platform.load_events_for_run"));
  });
});

describe("who may load", () => {
  const sql = renderWarehouseSql(vars);
  const statements = splitStatements(sql).map((s) => s.sql.replace(/\s+/g, " "));
  const procedures = [...sql.matchAll(/CREATE OR REPLACE PROCEDURE (\S+)\(/g)].map((m) => m[1]);

  it("grants the load role EXECUTE on each load procedure, which runs as its owner, and revokes it from PUBLIC", () => {
    expect(procedures).toEqual([
      "platform.load_events_for_run",
      "platform.load_rollups_for_run",
      "platform.load_run",
    ]);
    for (const p of procedures) {
      expect(statements).toContainEqual(
        expect.stringMatching(
          new RegExp(`^GRANT EXECUTE ON PROCEDURE ${p.replace(".", "\\.")}\\(.*\\) TO ROLE platform_loader$`),
        ),
      );
      expect(statements).toContainEqual(
        expect.stringMatching(
          new RegExp(`^REVOKE EXECUTE ON PROCEDURE ${p.replace(".", "\\.")}\\(.*\\) FROM PUBLIC$`),
        ),
      );
      expect(procedure(sql, p)).toMatch(/SECURITY DEFINER$/);
    }
  });

  it("gives the load role and the cluster's load user no table rights, and the load user the role", () => {
    const grants = statements.filter((s) => s.startsWith("GRANT"));
    expect(grants.filter((g) => /^GRANT (SELECT|INSERT|UPDATE|DELETE|ALL)/.test(g))).toEqual([]);
    expect(statements).toContain("CREATE ROLE platform_loader");
    expect(statements).toContain("GRANT ROLE platform_loader TO etl_loader");
    expect(statements).toContain("GRANT USAGE ON SCHEMA platform TO ROLE platform_loader");
  });
});

describe("platform SQL on a cluster restored from a snapshot", () => {
  const statements = splitStatements(renderWarehouseSql(vars)).map((s) => s.sql);

  it("runs everything again but the users and roles the snapshot already has", () => {
    expect(statements.filter((s) => !isReplayable(s))).toEqual([
      "CREATE ROLE platform_loader",
      "CREATE USER etl_loader PASSWORD DISABLE",
    ]);
    // What runs again is written to: no bare CREATE TABLE / SCHEMA that would fail on an existing one.
    for (const s of statements.filter(isReplayable))
      expect(s).not.toMatch(/^CREATE (TABLE|SCHEMA|EXTERNAL SCHEMA) (?!IF NOT EXISTS)/);
  });

  it("re-maps the Spectrum schema through this stack's role: dropped (reference only) before it is created", () => {
    const drop = statements.indexOf("DROP SCHEMA IF EXISTS lake_processed");
    const create = statements.findIndex((s) =>
      s.startsWith("CREATE EXTERNAL SCHEMA IF NOT EXISTS lake_processed"),
    );
    expect(drop).toBeGreaterThan(-1);
    expect(create).toBe(drop + 1);
    expect(statements[drop]).not.toMatch(/CASCADE|DROP EXTERNAL DATABASE/);
  });
});
