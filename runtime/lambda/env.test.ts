import { RuntimeConfigError } from "../errors";
import * as fs from "fs";
import * as path from "path";
import { lambdaCodePathOptions, RUNTIME_ARCHIVE_PATH } from "./packaging";
import { readAggregatorEnvironment, readProcessorEnvironment } from "./env";

describe("function configuration from the environment", () => {
  const base = { DATA_PRODUCT: "orders", TABLE_NAME: "orders-table", DEAD_LETTER_BUCKET: "dlq" };

  it("reads a processor's settings with their defaults", () => {
    expect(readProcessorEnvironment(base)).toEqual({
      dataProduct: "orders",
      tableName: "orders-table",
      deadLetterBucket: "dlq",
      deadLetterPrefix: "dead-letters/",
      safetyMarginMs: 3_000,
      writeConcurrency: 16,
      featureConcurrency: 16,
      retryBaseDelayMs: 50,
      retryMaxDelayMs: 2_000,
      metricsNamespace: "DataPlatform/Streaming",
      logLevel: "info",
      s3ForcePathStyle: false,
    });
  });

  it.each([
    [{ ...base, DEAD_LETTER_BUCKET: undefined }, "DEAD_LETTER_BUCKET"],
    [{ ...base, TABLE_NAME: undefined }, "TABLE_NAME"],
    [{ ...base, WRITE_CONCURRENCY: "0" }, "WRITE_CONCURRENCY"],
    [{ ...base, TABLE_TTL_DAYS: "soon" }, "TABLE_TTL_DAYS"],
    [{ ...base, LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ ...base, S3_FORCE_PATH_STYLE: "yes" }, "S3_FORCE_PATH_STYLE"],
  ])("refuses a bad processor environment, naming the variable (%#)", (env, variable) => {
    expect(() => readProcessorEnvironment(env)).toThrow(RuntimeConfigError);
    expect(() => readProcessorEnvironment(env)).toThrow(new RegExp(`^environment variable ${variable} `));
  });

  it("accepts a lake-only processor and requires a table for the aggregator", () => {
    expect(
      readProcessorEnvironment({ ...base, TABLE_NAME: undefined, DELIVERY_STREAM_NAME: "raw" })
        .deliveryStreamName,
    ).toBe("raw");
    expect(() => readAggregatorEnvironment({ DATA_PRODUCT: "clickstream" })).toThrow(/TABLE_NAME/);
    expect(
      readAggregatorEnvironment({ DATA_PRODUCT: "clickstream", TABLE_NAME: "w", TABLE_TTL_DAYS: "7" }),
    ).toMatchObject({ ttlDays: 7, metricTopKeys: 10 });
  });

  it("packages the runtime bundle and nothing from node_modules: every production dependency is excluded", () => {
    const { extraExcludePackages, extraIncludePaths } = lambdaCodePathOptions();
    const deps = Object.keys(
      (
        JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as {
          dependencies: Record<string, string>;
        }
      ).dependencies,
    );
    expect([...(extraExcludePackages ?? [])].sort()).toEqual([...deps].sort());
    expect(extraExcludePackages).toEqual(
      expect.arrayContaining(["zod", "esbuild", "@aws-sdk/client-dynamodb"]),
    );
    expect(extraIncludePaths).toEqual([RUNTIME_ARCHIVE_PATH]);
    expect(fs.existsSync(path.join(process.cwd(), RUNTIME_ARCHIVE_PATH))).toBe(true);
  });
});
