import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { grantLakeAccess } from "../lake/lakeAccess";
import { DEFAULT_FIRST_YEAR, storageFormat } from "../lake/lakeTable";
import type { LakeOutputs } from "../lake/outputs";
import { DEFAULT_LAST_YEAR, PARTITION_DIGITS } from "../lake/partitioning";
import { ATHENA_QUERY_ACTIONS, CATALOG_KEY_READ_ACTIONS, CATALOG_READ_ACTIONS } from "../lake/perms";
import { catalogKeyStatement, doc, readPolicy, writePolicy } from "../lake/policies";
import { serviceTrustPolicy } from "../security/documents";

/**
 * Columns of the curated hourly roll-ups (`ROLLUP_COLUMNS` of runtime/jobs/spark/daily_event_rollup.py,
 * in that order), with the QuickSight type each maps to.
 */
export const ROLLUP_COLUMNS = [
  { name: "event_date", type: "date", quickSight: "DATETIME" },
  { name: "hour", type: "smallint", quickSight: "INTEGER" },
  { name: "event_type", type: "string", quickSight: "STRING" },
  { name: "event_count", type: "bigint", quickSight: "INTEGER" },
  { name: "distinct_entities", type: "bigint", quickSight: "INTEGER" },
  { name: "first_event_time", type: "timestamp", quickSight: "DATETIME" },
  { name: "last_event_time", type: "timestamp", quickSight: "DATETIME" },
] as const;

/** Partition columns of the roll-ups: zero-padded strings (`year=2026/month=01/day=07`). */
export const ROLLUP_PARTITION_KEYS = ["year", "month", "day"] as const;

/** What the principal gets on the data source and the data set (QuickSight's owner action sets). */
export const DATA_SOURCE_OWNER_ACTIONS = [
  "quicksight:DescribeDataSource",
  "quicksight:DescribeDataSourcePermissions",
  "quicksight:PassDataSource",
  "quicksight:UpdateDataSource",
  "quicksight:DeleteDataSource",
  "quicksight:UpdateDataSourcePermissions",
] as const;
export const DATA_SET_OWNER_ACTIONS = [
  "quicksight:DescribeDataSet",
  "quicksight:DescribeDataSetPermissions",
  "quicksight:PassDataSet",
  "quicksight:DescribeIngestion",
  "quicksight:ListIngestions",
  "quicksight:UpdateDataSet",
  "quicksight:DeleteDataSet",
  "quicksight:CreateIngestion",
  "quicksight:CancelIngestion",
  "quicksight:UpdateDataSetPermissions",
] as const;

export const IMPORT_MODES = ["DIRECT_QUERY", "SPICE"] as const;

export interface QuickSightLakeArgs {
  /** The platform's lake outputs (curated and query-result buckets, lake key, curated database, workgroup). Required. */
  readonly lake: pulumi.Input<LakeOutputs>;
  /** Data product whose curated roll-ups are read (`<product>/event_rollups/` in the curated zone). Required. */
  readonly product: string;
  /** LF-tags of the roll-up table: the domain and its classification (zone is `curated`). Required. */
  readonly lfTags: { readonly domain: string; readonly classification: string };
  /**
   * QuickSight user or group ARN that owns the data source and the data set
   * (`arn:aws:quicksight:<region>:<account>:group/default/<group>`); exists only once the account
   * has a QuickSight subscription. Required.
   */
  readonly principalArn: pulumi.Input<string>;
  /** `DIRECT_QUERY` (every visual queries Athena) or `SPICE` (imported). Default `DIRECT_QUERY`. */
  readonly importMode?: (typeof IMPORT_MODES)[number];
}

/** Problems with the arguments, naming the field, the value and what is allowed. */
export function quickSightLakeProblems(args: Pick<QuickSightLakeArgs, "product" | "importMode">): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]{0,40}$/.test(args.product))
    problems.push(
      `product = "${args.product}": lower-case letters, digits and dashes, at most 41 characters`,
    );
  if (args.importMode !== undefined && !(IMPORT_MODES as readonly string[]).includes(args.importMode))
    problems.push(`importMode = "${args.importMode}": one of ${IMPORT_MODES.join(", ")}`);
  return problems;
}

/** Partition projection of the roll-ups (string partitions, as the Spark job writes them). */
export function rollupProjection(location: string): Record<string, string> {
  const ranges: Record<(typeof ROLLUP_PARTITION_KEYS)[number], [number, number]> = {
    year: [DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR],
    month: [1, 12],
    day: [1, 31],
  };
  const params: Record<string, string> = { "projection.enabled": "true" };
  for (const key of ROLLUP_PARTITION_KEYS) {
    params[`projection.${key}.type`] = "integer";
    params[`projection.${key}.range`] = ranges[key].join(",");
    params[`projection.${key}.digits`] = String(PARTITION_DIGITS[key]);
  }
  params["storage.location.template"] = `${location}year=\${year}/month=\${month}/day=\${day}/`;
  return params;
}

/**
 * `dataplatform:bi:QuickSightLake`: QuickSight on a domain's curated roll-ups through the
 * platform's Athena workgroup. A Glue table over `<product>/event_rollups/` in the curated zone
 * (LF-tagged domain/classification/zone=curated, partition projection); a dedicated role
 * QuickSight assumes for this data source (trusted by `quicksight.amazonaws.com` for this account
 * only) with Athena on the workgroup, catalog read on the curated database, S3/KMS read of the
 * roll-ups, read/write of the query results, and Lake Formation `SELECT`/`DESCRIBE` by LF-tag on
 * the domain's curated tables; an Athena data source (`roleArn`: that role) and a data set over the
 * table, owned by `principalArn`.
 *
 * Needs a QuickSight subscription (Enterprise) in the account: docs/bootstrap.md.
 */
export class QuickSightLake extends pulumi.ComponentResource {
  readonly table: aws.glue.CatalogTable;
  readonly role: aws.iam.Role;
  readonly dataSource: aws.quicksight.DataSource;
  readonly dataSet: aws.quicksight.DataSet;

  constructor(name: string, args: QuickSightLakeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:bi:QuickSightLake", name, {}, opts);
    const problems = quickSightLakeProblems(args);
    if (problems.length) throw new pulumi.ResourceError(`${name}: ${problems.join("; ")}`, this);
    const parent = { parent: this };
    const lake = pulumi.output(args.lake);
    const prefix = `${args.product}/event_rollups/`;
    const location = lake.apply((l) => `s3://${l.buckets.curated.name}/${prefix}`);
    const ctx = pulumi.all([
      aws.getCallerIdentityOutput({}, parent).accountId,
      aws.getRegionOutput({}, parent).region,
      aws.getPartitionOutput({}, parent).partition,
    ]);

    // The curated roll-ups as a catalog table (Parquet, string partitions year/month/day).
    const storage = storageFormat("parquet");
    this.table = new aws.glue.CatalogTable(
      `${name}-rollups`,
      {
        name: `${args.product.replace(/-/g, "_")}_event_rollups`,
        databaseName: lake.databases.curated,
        description: `${args.product}: hourly event roll-ups per event type (daily_event_rollup.py)`,
        tableType: "EXTERNAL_TABLE",
        parameters: location.apply((loc) => ({
          EXTERNAL: "TRUE",
          classification: "parquet",
          "parquet.compression": "SNAPPY",
          ...rollupProjection(loc),
        })),
        partitionKeys: ROLLUP_PARTITION_KEYS.map((k) => ({ name: k, type: "string" })),
        storageDescriptor: {
          location,
          inputFormat: storage.inputFormat,
          outputFormat: storage.outputFormat,
          serDeInfo: storage.serDeInfo,
          columns: ROLLUP_COLUMNS.map((c) => ({ name: c.name, type: c.type })),
        },
      },
      parent,
    );
    const tags = new aws.lakeformation.ResourceLfTags(
      `${name}-rollups-lf-tags`,
      {
        table: { databaseName: this.table.databaseName, name: this.table.name },
        lfTags: [
          { key: "domain", value: args.lfTags.domain },
          { key: "classification", value: args.lfTags.classification },
          { key: "zone", value: "curated" },
        ],
      },
      parent,
    );

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `QuickSight: Athena queries over ${args.product}'s curated roll-ups`,
        assumeRolePolicy: ctx.apply(([accountId]) =>
          JSON.stringify(serviceTrustPolicy("quicksight.amazonaws.com", { accountId })),
        ),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-query`,
      {
        role: this.role.name,
        policy: pulumi.all([ctx, lake]).apply(([[account, region, partition], l]) => {
          const catalog = `arn:${partition}:glue:${region}:${account}`;
          const curated = { bucketArn: l.buckets.curated.arn, prefix, region, keyArn: l.kmsKeyArn };
          const results = { bucketArn: l.buckets.queryResults.arn, region, keyArn: l.kmsKeyArn };
          return JSON.stringify(
            doc(
              {
                Sid: "RunQueries",
                Effect: "Allow",
                Action: [...ATHENA_QUERY_ACTIONS],
                Resource: `arn:${partition}:athena:${region}:${account}:workgroup/${l.workgroup}`,
              },
              {
                Sid: "ReadCatalog",
                Effect: "Allow",
                Action: [...CATALOG_READ_ACTIONS],
                Resource: [
                  `${catalog}:catalog`,
                  `${catalog}:database/${l.databases.curated}`,
                  `${catalog}:table/${l.databases.curated}/*`,
                ],
              },
              ...readPolicy(curated).Statement.map((s) => ({ ...s, Sid: `Rollups${s.Sid}` })),
              ...readPolicy(results).Statement.map((s) => ({ ...s, Sid: `Results${s.Sid}` })),
              ...writePolicy(results).Statement.map((s) => ({ ...s, Sid: `WriteResults${s.Sid}` })),
              catalogKeyStatement(l.kmsKeyArn, region, CATALOG_KEY_READ_ACTIONS),
            ),
          );
        }),
      },
      parent,
    );
    // Lake Formation: SELECT/DESCRIBE on the domain's curated tables, by LF-tag (as every reader).
    const grants = grantLakeAccess(
      name,
      {
        role: this.role,
        rules: [
          {
            expression: { domain: [args.lfTags.domain], zone: ["curated"] },
            permissions: ["SELECT", "DESCRIBE"],
          },
        ],
      },
      { parent: this, dependsOn: [tags] },
    );

    const stack = pulumi.getStack();
    this.dataSource = new aws.quicksight.DataSource(
      `${name}-athena`,
      {
        dataSourceId: `${args.product}-${stack}-athena`,
        name: `${args.product} lake (${stack}, Athena)`,
        type: "ATHENA",
        parameters: { athena: { workGroup: lake.workgroup, roleArn: this.role.arn } },
        sslProperties: { disableSsl: false },
        permissions: [{ principal: args.principalArn, actions: [...DATA_SOURCE_OWNER_ACTIONS] }],
      },
      { parent: this, dependsOn: grants },
    );
    this.dataSet = new aws.quicksight.DataSet(
      `${name}-rollups-dataset`,
      {
        dataSetId: `${args.product}-${stack}-event-rollups`,
        name: `${args.product} event roll-ups (${stack})`,
        importMode: args.importMode ?? "DIRECT_QUERY",
        physicalTableMaps: [
          {
            physicalTableMapId: "rollups",
            relationalTable: {
              dataSourceArn: this.dataSource.arn,
              catalog: "AwsDataCatalog",
              schema: this.table.databaseName,
              name: this.table.name,
              inputColumns: ROLLUP_COLUMNS.map((c) => ({ name: c.name, type: c.quickSight })),
            },
          },
        ],
        permissions: [{ principal: args.principalArn, actions: [...DATA_SET_OWNER_ACTIONS] }],
      },
      parent,
    );
    this.registerOutputs({
      dataSourceArn: this.dataSource.arn,
      dataSetArn: this.dataSet.arn,
      tableName: this.table.name,
    });
  }
}
