/**
 * A mechanical translation of the repository's Flink SQL into DuckDB SQL, so the offline check can
 * run the same query over a sample (runtime/flink/sql.test.ts). Test tooling: it is not in the
 * application package. Each rule is a one-to-one rewrite, and anything outside these rules is
 * refused rather than guessed:
 *
 * | Flink SQL                                                      | DuckDB                                                                   |
 * | -------------------------------------------------------------- | ------------------------------------------------------------------------ |
 * | `TABLE(TUMBLE(TABLE t, DESCRIPTOR(c), INTERVAL 'n' SECOND))`   | `(SELECT *, time_bucket(n s, c, epoch) AS window_start, … + n s AS window_end FROM t)` |
 * | `DATE_FORMAT(x, 'yyyy-MM-dd''T''HH:mm:ss''Z''')`               | `strftime(x, '%Y-%m-%dT%H:%M:%SZ')` (tokens yyyy MM dd HH mm ss, quoted literals) |
 * | `UNIX_TIMESTAMP(s)` (format `yyyy-MM-dd HH:mm:ss`, UTC session) | `CAST(epoch(CAST(s AS TIMESTAMP)) AS BIGINT)`                           |
 * | `REGEXP(s, p)` (Java regex, find)                              | `regexp_matches(s, p)` (RE2, search; same for the patterns used)         |
 * | `` `name` ``                                                   | `"name"`                                                                 |
 * | DDL column `STRING` / `BIGINT` / `TIMESTAMP_LTZ(3) METADATA …` | `VARCHAR` / `BIGINT` / `TIMESTAMP` (watermark and options dropped)       |
 *
 * Flink's TUMBLE aligns windows on the epoch; `time_bucket` is given the epoch as its origin so
 * the buckets are the same for any window length. Timestamps are UTC on both sides (main.py sets
 * `table.local-time-zone` to UTC).
 */

/** Index of the parenthesis closing the one at `open`, skipping quoted strings. */
function closing(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'") {
      i++;
      while (i < sql.length && !(sql[i] === "'" && sql[i + 1] !== "'")) i += sql[i] === "'" ? 2 : 1;
    } else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return i;
  }
  throw new Error(`unbalanced parenthesis at ${open}: ${sql.slice(open, open + 60)}`);
}

/** Top-level comma-separated arguments of a call's argument text. */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") {
      i++;
      while (i < text.length && !(text[i] === "'" && text[i + 1] !== "'")) i += text[i] === "'" ? 2 : 1;
    } else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

/** Rewrites every call `name(...)` (innermost last) with `rewrite(args)`. */
function replaceCalls(sql: string, name: string, rewrite: (args: string[]) => string): string {
  const re = new RegExp(`\\b${name}\\s*\\(`, "i");
  let out = sql;
  for (let m = re.exec(out); m; m = re.exec(out)) {
    const open = m.index + m[0].length - 1;
    const close = closing(out, open);
    out = out.slice(0, m.index) + rewrite(splitArgs(out.slice(open + 1, close))) + out.slice(close + 1);
  }
  return out;
}

const unquote = (literal: string): string => {
  const m = /^'((?:[^']|'')*)'$/.exec(literal.trim());
  if (!m) throw new Error(`expected a string literal, got ${literal}`);
  return m[1].replace(/''/g, "'");
};

const JAVA_TOKENS: Record<string, string> = { yyyy: "%Y", MM: "%m", dd: "%d", HH: "%H", mm: "%M", ss: "%S" };

/** A Java date pattern (tokens yyyy MM dd HH mm ss, `'…'` literals) as a strftime format. */
export function javaPatternToStrftime(pattern: string): string {
  let out = "";
  for (let i = 0; i < pattern.length;) {
    if (pattern[i] === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated literal in date pattern ${pattern}`);
      out += pattern.slice(i + 1, end).replace(/%/g, "%%");
      i = end + 1;
      continue;
    }
    const token = Object.keys(JAVA_TOKENS).find((t) => pattern.startsWith(t, i));
    if (token) {
      out += JAVA_TOKENS[token];
      i += token.length;
    } else if (/[A-Za-z]/.test(pattern[i])) {
      throw new Error(`date pattern letter "${pattern[i]}" in ${pattern} has no translation`);
    } else {
      out += pattern[i] === "%" ? "%%" : pattern[i];
      i++;
    }
  }
  return out;
}

/** A Flink query statement (INSERT … SELECT) as DuckDB SQL, by the rules above. */
export function queryToDuckDb(statement: string): string {
  let sql = statement.replace(/`([^`]+)`/g, '"$1"');
  sql = replaceCalls(sql, "TUMBLE", (args) => {
    const [table, descriptor, size] = args;
    const t = /^TABLE\s+(\w+)$/i.exec(table);
    const d = /^DESCRIPTOR\s*\(\s*(\w+)\s*\)$/i.exec(descriptor);
    const s = /^INTERVAL\s+'(\d+)'\s+SECOND$/i.exec(size);
    if (!t || !d || !s) throw new Error(`TUMBLE(${args.join(", ")}): not of the supported form`);
    const width = `INTERVAL '${s[1]} seconds'`;
    const bucket = `time_bucket(${width}, ${d[1]}, TIMESTAMP '1970-01-01 00:00:00')`;
    return `(SELECT *, ${bucket} AS window_start, ${bucket} + ${width} AS window_end FROM ${t[1]}) AS __windows`;
  });
  // The table function call around it: `TABLE(<windowed rows>)` becomes the rows.
  sql = replaceCalls(sql, "TABLE", (args) => {
    if (args.length !== 1) throw new Error(`TABLE(${args.join(", ")}): one argument expected`);
    return args[0];
  });
  sql = replaceCalls(sql, "DATE_FORMAT", ([value, pattern]) => {
    return `strftime(${value}, '${javaPatternToStrftime(unquote(pattern)).replace(/'/g, "''")}')`;
  });
  sql = replaceCalls(sql, "UNIX_TIMESTAMP", (args) => {
    if (args.length !== 1) throw new Error("UNIX_TIMESTAMP with a format argument has no translation");
    return `CAST(epoch(CAST(${args[0]} AS TIMESTAMP)) AS BIGINT)`;
  });
  sql = replaceCalls(sql, "REGEXP", ([value, pattern]) => `regexp_matches(${value}, ${pattern})`);
  return sql;
}

/** A column of a Flink CREATE TABLE: name, Flink type, DuckDB type, and whether it is connector metadata. */
export interface FlinkColumn {
  readonly name: string;
  readonly flinkType: string;
  readonly duckDbType: string;
  readonly metadata?: string;
}

/**
 * A Flink CREATE TABLE, read structurally: table name, columns (WATERMARK and key clauses set
 * aside), watermark, PARTITIONED BY columns and WITH options.
 */
export function readCreateTable(statement: string): {
  readonly table: string;
  readonly columns: FlinkColumn[];
  readonly watermark?: { readonly column: string; readonly expression: string };
  readonly partitionedBy: string[];
  readonly options: Record<string, string>;
} {
  const head = /^CREATE\s+TABLE\s+(\w+)\s*\(/i.exec(statement);
  if (!head) throw new Error(`not a CREATE TABLE: ${statement.slice(0, 60)}`);
  const open = head[0].length - 1;
  const close = closing(statement, open);
  const columns: FlinkColumn[] = [];
  let watermark: { column: string; expression: string } | undefined;
  for (const part of splitArgs(statement.slice(open + 1, close))) {
    const w = /^WATERMARK\s+FOR\s+(\w+)\s+AS\s+(.+)$/is.exec(part);
    if (w) {
      watermark = { column: w[1], expression: w[2].trim() };
      continue;
    }
    const c =
      /^`?(\w+)`?\s+(STRING|BIGINT|TIMESTAMP_LTZ\(\d\))(?:\s+METADATA\s+FROM\s+'([\w-]+)'(?:\s+VIRTUAL)?)?$/i.exec(
        part,
      );
    if (!c) throw new Error(`column definition not understood: ${part}`);
    const type = c[2].toUpperCase();
    columns.push({
      name: c[1],
      flinkType: type,
      duckDbType: type === "STRING" ? "VARCHAR" : type === "BIGINT" ? "BIGINT" : "TIMESTAMP",
      ...(c[3] ? { metadata: c[3] } : {}),
    });
  }
  const rest = statement.slice(close + 1);
  const partitioned = /^\s*PARTITIONED\s+BY\s*\(([^)]*)\)/i.exec(rest);
  const withClause = /WITH\s*\(/i.exec(rest);
  const options: Record<string, string> = {};
  if (withClause) {
    const wOpen = withClause.index + withClause[0].length - 1;
    for (const kv of splitArgs(rest.slice(wOpen + 1, closing(rest, wOpen)))) {
      const m = /^'([^']+)'\s*=\s*('(?:[^']|'')*')$/.exec(kv);
      if (!m) throw new Error(`WITH option not understood: ${kv}`);
      options[m[1]] = unquote(m[2]);
    }
  }
  return {
    table: head[1],
    columns,
    ...(watermark ? { watermark } : {}),
    partitionedBy: partitioned ? partitioned[1].split(",").map((s) => s.trim()) : [],
    options,
  };
}

/** DuckDB DDL for a Flink table read by `readCreateTable`. */
export function createTableToDuckDb(t: ReturnType<typeof readCreateTable>): string {
  return `CREATE TABLE ${t.table} (${t.columns.map((c) => `"${c.name}" ${c.duckDbType}`).join(", ")})`;
}
