import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The platform DDL template (tables with distribution and sort keys, COPY procedure, Spectrum schema). */
export const PLATFORM_SQL_FILE = path.join(__dirname, "sql", "platform.sql");

/**
 * The database role every orchestrated load runs with: EXECUTE on the load procedures, nothing else.
 * The provisioned cluster's load user holds it; on Serverless the workflow role's database user
 * (`IAMR:<role name>`, the Data API's user for an IAM role with `WorkgroupName` and no secret) gets it
 * from the role's `RedshiftDbRoles` tag.
 */
export const WAREHOUSE_LOAD_ROLE = "platform_loader";

/**
 * IAM tag whose value (database role names separated by `:`) Redshift Serverless grants to the
 * database user of an IAM identity when it signs in with temporary credentials (GetCredentials, as the
 * Data API does with `WorkgroupName`): "Defining database roles to grant to federated users in Amazon
 * Redshift Serverless", https://docs.aws.amazon.com/redshift/latest/mgmt/redshift-iam-access-federated-db-roles.html
 */
export const REDSHIFT_DB_ROLES_TAG = "RedshiftDbRoles";

/** Values the DDL template needs. */
export interface WarehouseSqlVars {
  /** Database role of the orchestrated loads (`WAREHOUSE_LOAD_ROLE`). */
  readonly load_role: string;
  /** Database user of provisioned-cluster loads (Warehouse `loadUser`). */
  readonly load_user: string;
  /** ARN of the Warehouse's `lakeRole`. */
  readonly lake_role_arn: string;
  /** Processed zone, `s3://<bucket>/` (with trailing slash). */
  readonly processed_uri: string;
  /** Curated zone (the Spark roll-ups), `s3://<bucket>/` (with trailing slash). */
  readonly curated_uri: string;
  /** Glue database of the processed zone. */
  readonly glue_database: string;
}

const PLACEHOLDER = /\{\{([a-z_]+)\}\}/g;

/** Placeholders a template uses. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))].sort();
}

/**
 * Fills every `{{name}}` of the template. Throws naming the placeholder when a value is missing or
 * could break out of its SQL literal or identifier.
 */
export function renderWarehouseSql(
  vars: WarehouseSqlVars,
  template = fs.readFileSync(PLATFORM_SQL_FILE, "utf8"),
): string {
  const values = vars as unknown as Record<string, string | undefined>;
  for (const name of placeholdersOf(template)) {
    const v = values[name];
    if (v === undefined || v === "") throw new Error(`warehouse SQL: no value for {{${name}}}`);
    if (/['";\\]|\$\$/.test(v))
      throw new Error(`warehouse SQL: {{${name}}} = ${JSON.stringify(v)} contains a quote, ; or \\`);
  }
  for (const name of ["load_user", "load_role"] as const)
    if (!/^[a-z_][a-z0-9_]*$/.test(vars[name]))
      throw new Error(`warehouse SQL: {{${name}}} = "${vars[name]}" is not a plain identifier`);
  for (const name of ["processed_uri", "curated_uri"] as const)
    if (!/^s3:\/\/[a-z0-9.-]+\/(.+\/)?$/.test(vars[name]))
      throw new Error(`warehouse SQL: {{${name}}} = "${vars[name]}": an s3://bucket/ location ending with /`);
  return template.replace(PLACEHOLDER, (_m, name: string) => values[name] as string);
}

/** Column names of `table` in its `CREATE TABLE IF NOT EXISTS` statement, in order (COPY from Parquet maps by position). */
export function tableColumns(sql: string, table: string): string[] {
  const noComments = sql.replace(/--.*$/gm, "");
  const escaped = table.replace(/[.]/g, "\\.");
  const m = new RegExp(`CREATE TABLE IF NOT EXISTS\\s+${escaped}\\s*\\(([\\s\\S]*?)\\n\\)`, "i").exec(
    noComments,
  );
  if (!m) throw new Error(`warehouse SQL: no CREATE TABLE for ${table}`);
  return m[1]
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^(PRIMARY|FOREIGN|UNIQUE)\s/i.test(l))
    .map((l) => l.split(/\s+/)[0]);
}

/** A table definition found in DDL: its name and its distribution and sort clauses. */
export interface TableLayout {
  readonly table: string;
  readonly distStyle?: string;
  readonly distKey?: string;
  readonly sortKey?: string;
}

/** The `CREATE TABLE ... (...)` statements of the DDL with their DISTSTYLE / DISTKEY / SORTKEY clauses. */
export function tableLayouts(sql: string): TableLayout[] {
  const out: TableLayout[] = [];
  const noComments = sql.replace(/--.*$/gm, "");
  for (const stmt of noComments.split(";")) {
    const m = /CREATE TABLE IF NOT EXISTS\s+([a-z_.]+)\s*\(/i.exec(stmt);
    if (!m || /\(LIKE\s/i.test(stmt)) continue;
    out.push({
      table: m[1],
      distStyle: /DISTSTYLE\s+(\w+)/i.exec(stmt)?.[1]?.toUpperCase(),
      distKey: /DISTKEY\s*\(([^)]+)\)/i.exec(stmt)?.[1]?.trim(),
      sortKey: /SORTKEY\s*\(([^)]+)\)/i.exec(stmt)?.[1]?.replace(/\s+/g, ""),
    });
  }
  return out;
}

/**
 * The statement the orchestrated load runs (Data API): `:run_date` is bound from the execution's run
 * date, `:dataset` to the processed-zone prefix the pipeline's Glue job writes (e.g. `orders/events/`).
 */
export const LOAD_EVENTS_STATEMENT = "CALL platform.load_events_for_run(:run_date, :dataset)";

/**
 * The statement of a run with a Spark step: the day's events (`:dataset`, processed zone) and the
 * day's hourly roll-ups (`:rollups`, the curated prefix the Spark step wrote, e.g.
 * `orders/event_rollups/`) in one transaction; the roll-ups of that dataset and day are replaced.
 */
export const LOAD_RUN_STATEMENT = "CALL platform.load_run(:run_date, :dataset, :rollups)";

/**
 * The statements of a SQL script, one per Data API call (ExecuteStatement runs one statement):
 * comments dropped, split on `;` at the end of a line outside `$$` bodies. Each comes with a short
 * content hash, a stable key for the resource that runs it (a changed statement runs again, the
 * others do not, so `CREATE USER` is never repeated).
 */
export function splitStatements(sql: string): { key: string; sql: string }[] {
  const out: { key: string; sql: string }[] = [];
  let current: string[] = [];
  let inBody = false;
  for (const line of sql.split("\n")) {
    const text = inBody ? line : line.replace(/--.*$/, "");
    if (!inBody && !text.trim() && !current.length) continue;
    current.push(text);
    if ((text.match(/\$\$/g) ?? []).length % 2 === 1) inBody = !inBody;
    if (!inBody && /;\s*$/.test(text)) {
      const statement = current.join("\n").trim().replace(/;\s*$/, "");
      out.push({
        key: crypto.createHash("sha256").update(statement).digest("hex").slice(0, 8),
        sql: statement,
      });
      current = [];
    }
  }
  if (current.join("").trim()) throw new Error("warehouse SQL: the last statement does not end with ;");
  return out;
}

/**
 * Whether a statement of the platform SQL may run again on a database that already has it (a cluster
 * restored from a snapshot): everything but `CREATE USER` and `CREATE ROLE`, which fail when the
 * user or role exists. The rest is written to be re-run (`IF NOT EXISTS`, `CREATE OR REPLACE`,
 * `DROP ... IF EXISTS` before re-creating, grants).
 */
export function isReplayable(statement: string): boolean {
  return !/^CREATE\s+(USER|ROLE)\b/i.test(statement.trim());
}
