import { LIMITS } from "../../config/limits";
import { glueJobArguments, glueJobProblems, glueLogGroups, RAW_TO_PARQUET_SCRIPT } from "./glueEtlJob";
import { lakeBucketProblems } from "./lakeBucket";
import { lakeTableProblems } from "./lakeTable";
import { lfTagGrantProblems } from "./lfTagGrant";
import { catalogName } from "./naming";
import { queryWorkgroupProblems } from "./queryWorkgroup";

describe("Glue job sizing", () => {
  it("accepts the defaults and sizes up to the DPU limit", () => {
    expect(glueJobProblems({})).toEqual([]);
    expect(glueJobProblems({ workerType: "G.2X", numberOfWorkers: 50, maxDpu: LIMITS.glueMaxDpu })).toEqual(
      [],
    );
  });

  it("refuses more DPUs than the environment's limit, saying how many workers fit", () => {
    expect(glueJobProblems({ workerType: "G.2X", numberOfWorkers: 6, maxDpu: 10 })).toEqual([
      "numberOfWorkers = 6 with workerType G.2X uses 12 DPUs: at most 10 (maxDpu; Glue allows 100 per job), i.e. at most 5 G.2X workers",
    ]);
  });

  it("refuses a DPU limit above Glue's 100 per job", () => {
    expect(glueJobProblems({ maxDpu: 101 })).toEqual([
      "maxDpu = 101: an integer from 2 to 100 (Glue's DPU limit per job)",
    ]);
  });

  it("refuses unsupported versions, worker types, too few workers and odd log retention", () => {
    expect(
      glueJobProblems({
        glueVersion: "3.0" as never,
        workerType: "G.025X" as never,
        numberOfWorkers: 1,
        logRetentionDays: 10,
      }),
    ).toEqual([
      'glueVersion = "3.0": one of 4.0, 5.0',
      'workerType = "G.025X": one of G.1X, G.2X, G.4X, G.8X',
      "numberOfWorkers = 1: an integer of at least 2",
      expect.stringMatching(/^logRetentionDays = 10: one of 1, 3, 5/),
    ]);
  });

  it("refuses a script that is not in the repository", () => {
    expect(glueJobProblems({ scriptPath: "/nope/job.py" })).toEqual([
      'scriptPath = "/nope/job.py": no such file',
    ]);
    expect(glueJobProblems({ scriptPath: RAW_TO_PARQUET_SCRIPT })).toEqual([]);
  });

  it("turns bookmarks off (runs are per run date) and metrics and logging on into the job's own groups for each Glue version", () => {
    const base = {
      logGroupPrefix: "/aws-glue/jobs/j",
      sourcePath: "s3://a/x/",
      targetPath: "s3://b/x/",
      timestampField: "ts",
    };
    const v5 = glueJobArguments({ ...base, glueVersion: "5.0" });
    expect(v5).toMatchObject({
      "--job-bookmark-option": "job-bookmark-disable",
      "--enable-metrics": "true",
      "--custom-logGroup-prefix": "/aws-glue/jobs/j",
    });
    expect(glueLogGroups("5.0", "/aws-glue/jobs/j")).toEqual([
      "/aws-glue/jobs/j/error",
      "/aws-glue/jobs/j/output",
    ]);
    const v4 = glueJobArguments({ ...base, glueVersion: "4.0" });
    expect(v4).toMatchObject({
      "--enable-continuous-cloudwatch-log": "true",
      "--continuous-log-logGroup": "/aws-glue/jobs/j/continuous",
    });
    expect(glueLogGroups("4.0", "/aws-glue/jobs/j")).toEqual(["/aws-glue/jobs/j/continuous"]);
  });
});

describe("lake bucket arguments", () => {
  it("require a KMS key and access logging for data buckets", () => {
    expect(lakeBucketProblems({ kind: "raw" })).toEqual([
      "kmsKeyArn: required (lake buckets are SSE-KMS encrypted with the lake key)",
      "accessLogs: required (every lake bucket logs its requests to the access-log bucket)",
    ]);
  });

  it("refuse a KMS key or self-logging on an access-log target", () => {
    expect(
      lakeBucketProblems({
        kind: "accessLogs",
        serverAccessLogTarget: true,
        kmsKeyArn: "k",
        accessLogs: { bucketName: "b" },
      }),
    ).toEqual([
      "kmsKeyArn: must be omitted with serverAccessLogTarget (S3 server access logs are delivered only to SSE-S3 buckets)",
      "accessLogs: must be omitted with serverAccessLogTarget (a log bucket does not log itself)",
    ]);
  });

  it("report lifecycle problems under the lifecycle field", () => {
    expect(
      lakeBucketProblems({
        kind: "raw",
        kmsKeyArn: "k",
        accessLogs: { bucketName: "b" },
        lifecycle: { transitionToIaDays: 7 },
      }),
    ).toEqual([expect.stringMatching(/^lifecycle\.transitionToIaDays = 7: at least 30/)]);
  });
});

describe("table, grant and workgroup arguments", () => {
  it("refuse partition columns, duplicates, bad names and unknown types in a table", () => {
    expect(
      lakeTableProblems({
        format: "json",
        columns: [
          { name: "hour", type: "int" },
          { name: "Amount", type: "money" },
          { name: "id", type: "string" },
          { name: "id", type: "array<string>" },
        ],
      }),
    ).toEqual([
      'columns[0].name = "hour": reserved for the partition columns (year, month, day, hour)',
      'columns[1].name = "Amount": lower-case letters, digits and "_"',
      expect.stringMatching(/^columns\[1\]\.type = "money": an Athena type/),
      'columns[3].name = "id": appears twice',
    ]);
    expect(lakeTableProblems({ format: "csv" as never, columns: [] })).toEqual([
      'format = "csv": one of json, parquet',
      "columns: at least one column",
    ]);
  });

  it("refuse ALL and tag values that do not exist in a tag-based grant", () => {
    expect(
      lfTagGrantProblems({
        principal: "arn:aws:iam::1:role/r",
        resourceType: "TABLE",
        expression: { zone: ["gold"], team: ["x"] },
        permissions: ["ALL"],
        knownTags: { zone: ["raw", "processed", "curated"] },
      }),
    ).toEqual([
      'permissions contains "ALL": allowed on TABLE are SELECT, DESCRIBE, INSERT, DELETE, ALTER',
      'expression.zone contains "gold": one of raw, processed, curated',
      'expression.team: no LF-tag "team" (known: zone)',
    ]);
  });

  it("refuse a scan cutoff below Athena's 10 MB minimum and unencrypted result buckets", () => {
    expect(
      queryWorkgroupProblems({
        bytesScannedCutoffPerQuery: 1_000_000,
        resultBucket: { bucketName: "b", bucketArn: "a" },
      }),
    ).toEqual([
      "bytesScannedCutoffPerQuery = 1000000: an integer of at least 10485760 (10 MB, Athena's minimum)",
      "resultBucket.kmsKeyArn: required (query results are encrypted with SSE-KMS)",
    ]);
  });

  it("derives Athena-safe catalog names", () => {
    expect(catalogName("data-platform", "dev", "Orders.Events")).toBe("data_platform_dev_orders_events");
    expect(catalogName("2026", "x")).toBe("t_2026_x");
  });
});
