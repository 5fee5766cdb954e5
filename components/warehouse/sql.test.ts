import * as fs from "node:fs";
import { PLATFORM_SQL_FILE, placeholdersOf, renderWarehouseSql, splitStatements, tableLayouts } from "./sql";

const vars = {
  load_user: "etl_loader",
  lake_role_arn: "arn:aws:iam::123456789012:role/warehouse-lake-1",
  processed_uri: "s3://processed-1/",
  glue_database: "processed",
};

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
    expect(sql).toContain(
      "GRANT EXECUTE ON PROCEDURE platform.load_events_for_run(DATE, VARCHAR) TO etl_loader",
    );
    expect(sql).not.toMatch(/\{\{/);
  });

  it("declares exactly the placeholders the renderer documents", () => {
    expect(placeholdersOf(fs.readFileSync(PLATFORM_SQL_FILE, "utf8"))).toEqual(Object.keys(vars).sort());
  });

  it("refuses to render with a missing value or one that escapes its literal", () => {
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
