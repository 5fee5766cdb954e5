import * as fs from "node:fs";
import * as path from "node:path";

/** The folder the Flink application package is built from (main.py, sql/, lib/, connectors.json). */
export const FLINK_DIR = __dirname;

/** Property group of the application that holds `SQL_FILE` and the placeholder values (main.py reads it). */
export const SQL_PARAMETERS_GROUP = "sql.parameters";

/** The Flink SQL of each data product that has one (path relative to FLINK_DIR, as in the package). */
export const FLINK_SQL_FILES: Readonly<Record<string, string>> = {
  clickstream: "sql/clickstream-windows.sql",
};

/** The connector JARs the package needs (`connectors.json`): Maven coordinates and file name under lib/. */
export interface ConnectorJar {
  readonly maven: string;
  readonly file: string;
}

/** The connectors the SQL's `'connector' = ...` options need, from `connectors.json`. */
export function connectorJars(): { readonly flinkVersion: string; readonly jars: readonly ConnectorJar[] } {
  return JSON.parse(fs.readFileSync(path.join(FLINK_DIR, "connectors.json"), "utf8")) as {
    flinkVersion: string;
    jars: ConnectorJar[];
  };
}

const PLACEHOLDER = /\$\{([A-Z_][A-Z0-9_]*)\}/g;

/** Lines that are not `--` comments (main.py drops the same lines). */
function withoutComments(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((l) => !l.trimStart().startsWith("--"))
    .join("\n");
}

/** The `${NAME}` placeholders a SQL text uses, sorted. */
export function placeholders(text: string): string[] {
  return [...new Set([...withoutComments(text).matchAll(PLACEHOLDER)].map((m) => m[1]))].sort();
}

/**
 * The statements of a Flink SQL text, exactly as main.py runs them: `--` comment lines dropped,
 * `${NAME}` filled from `values` (a name without a value is an error, like Python's
 * `string.Template.substitute`), split on `;`, trimmed, empty ones dropped.
 *
 * @example
 * statements(fs.readFileSync(file, "utf8"), { STREAM_ARN: arn, AWS_REGION: "eu-west-1", ... });
 */
export function statements(text: string, values: Readonly<Record<string, string>>): string[] {
  const filled = withoutComments(text).replace(PLACEHOLDER, (_, name: string) => {
    const v = values[name];
    if (v === undefined)
      throw new Error(`SQL placeholder \${${name}} has no value in ${SQL_PARAMETERS_GROUP}`);
    return v;
  });
  return filled
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The SQL text of a data product's Flink application. */
export function flinkSql(dataProduct: string): { readonly file: string; readonly text: string } {
  const file = FLINK_SQL_FILES[dataProduct];
  if (!file) {
    throw new Error(
      `no Flink SQL for data product "${dataProduct}": one of ${Object.keys(FLINK_SQL_FILES).join(", ")}`,
    );
  }
  return { file, text: fs.readFileSync(path.join(FLINK_DIR, file), "utf8") };
}
