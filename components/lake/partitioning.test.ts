import {
  datasetLocation,
  firehosePrefixes,
  normalizeDatasetPrefix,
  PARTITION_KEYS,
  partitionPrefix,
  projectionParameters,
} from "./partitioning";
import { hourlyCountsTodaySql, latestRecordsSql } from "./queries";

describe("partition convention", () => {
  it("builds zero-padded UTC hour prefixes", () => {
    expect(partitionPrefix("orders/events", new Date("2026-03-07T04:59:59Z"))).toBe(
      "orders/events/year=2026/month=03/day=07/hour=04/",
    );
    // 23:30 in UTC-5 is already the next day in UTC.
    expect(partitionPrefix("/orders/events/", new Date("2026-12-31T23:30:00-05:00"))).toBe(
      "orders/events/year=2027/month=01/day=01/hour=04/",
    );
  });

  it("refuses dataset prefixes that are empty, upper-case or already partitioned", () => {
    expect(() => normalizeDatasetPrefix("")).toThrow(/dataset prefix "" is not allowed/);
    expect(() => normalizeDatasetPrefix("Orders")).toThrow(/lower-case/);
    expect(() => normalizeDatasetPrefix("orders/year=2026")).toThrow(
      /must not contain partition directories/,
    );
  });

  it("gives Firehose a prefix that writes the same layout and keeps errors out of the dataset", () => {
    const { prefix, errorOutputPrefix } = firehosePrefixes("orders/events");
    expect(prefix).toBe(
      "orders/events/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/",
    );
    expect(errorOutputPrefix.startsWith("orders/events/")).toBe(false);
    expect(errorOutputPrefix).toContain("!{firehose:error-output-type}");
  });

  it("projects every partition column as a padded integer range and maps it to the prefix", () => {
    const loc = datasetLocation("lake-raw", "orders/events");
    const p = projectionParameters(loc, { firstYear: 2025 });
    expect(p["projection.enabled"]).toBe("true");
    expect(PARTITION_KEYS.map((k) => p[`projection.${k}.type`])).toEqual([
      "integer",
      "integer",
      "integer",
      "integer",
    ]);
    expect(PARTITION_KEYS.map((k) => p[`projection.${k}.range`])).toEqual([
      "2025,2099",
      "01,12",
      "01,31",
      "00,23",
    ]);
    expect(PARTITION_KEYS.map((k) => p[`projection.${k}.digits`])).toEqual(["4", "2", "2", "2"]);
    expect(p["storage.location.template"]).toBe(
      "s3://lake-raw/orders/events/year=${year}/month=${month}/day=${day}/hour=${hour}/",
    );
  });

  it("resolves the template to exactly the prefix the helpers and Firehose write", () => {
    const at = new Date("2026-11-27T14:05:00Z");
    const template = projectionParameters("s3://b/orders/events/", { firstYear: 2025 })[
      "storage.location.template"
    ];
    const filled = template
      .replace("${year}", "2026")
      .replace("${month}", "11")
      .replace("${day}", "27")
      .replace("${hour}", "14");
    expect(filled).toBe(`s3://b/${partitionPrefix("orders/events", at)}`);
  });

  it("refuses a projection that starts after it ends or a location that is not a prefix", () => {
    expect(() => projectionParameters("s3://b/x/", { firstYear: 2100 })).toThrow(/firstYear = 2100/);
    expect(() => projectionParameters("s3://b/x", { firstYear: 2025 })).toThrow(/ending with "\/"/);
  });
});

describe("named queries", () => {
  it("filter on partition columns so projection prunes to today", () => {
    const sql = hourlyCountsTodaySql("lake_dev_processed", "orders_events");
    expect(sql).toContain('FROM "lake_dev_processed"."orders_events"');
    expect(sql).toMatch(
      /WHERE year = year\(current_date\) AND month = month\(current_date\) AND day = day\(current_date\)/,
    );
    expect(latestRecordsSql("db", "t", 10)).toMatch(/LIMIT 10$/);
  });

  it("refuse identifiers that would need escaping", () => {
    expect(() => hourlyCountsTodaySql("db", 't"; DROP TABLE x')).toThrow(/not a plain Athena identifier/);
    expect(() => latestRecordsSql("db", "t", 0)).toThrow(/limit = 0/);
  });
});
