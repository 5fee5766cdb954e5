/**
 * Athena SQL over tables that follow the partition convention. Every query filters on the partition
 * columns with values Athena folds to constants, so partition projection prunes to the hours asked
 * for instead of scanning the whole table.
 */

const ident = (s: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(s)) throw new Error(`"${s}" is not a plain Athena identifier`);
  return `"${s}"`;
};

/** Records per hour of the current UTC day. */
export function hourlyCountsTodaySql(database: string, table: string): string {
  return [
    "SELECT year, month, day, hour, count(*) AS records",
    `FROM ${ident(database)}.${ident(table)}`,
    "WHERE year = year(current_date) AND month = month(current_date) AND day = day(current_date)",
    "GROUP BY year, month, day, hour",
    "ORDER BY hour",
  ].join("\n");
}

/** A sample of the latest records: the last two hours of the current UTC day. */
export function latestRecordsSql(database: string, table: string, limit = 100): string {
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new Error(`limit = ${limit}: an integer from 1 to 10000`);
  }
  return [
    "SELECT *",
    `FROM ${ident(database)}.${ident(table)}`,
    "WHERE year = year(current_date) AND month = month(current_date) AND day = day(current_date)",
    "  AND hour >= hour(current_timestamp AT TIME ZONE 'UTC') - 1",
    `LIMIT ${limit}`,
  ].join("\n");
}
