import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAKE_PROJECTION_YEARS } from "../../runtime/constants";
import type { BucketRef } from "./lakeBucket";
import { catalogName } from "./naming";
import {
  datasetLocation,
  normalizeDatasetPrefix,
  PARTITION_KEYS,
  projectionParameters,
} from "./partitioning";

/** A column of a lake table (Hive/Athena type names). */
export interface LakeColumn {
  readonly name: string;
  readonly type: string;
  readonly comment?: string;
}

/** File formats a lake table can have: raw is JSON lines, processed and curated are Parquet. */
export const TABLE_FORMATS = ["json", "parquet"] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

/** Year the partition projection starts at unless told otherwise (the stream processor's range too). */
export const DEFAULT_FIRST_YEAR: number = LAKE_PROJECTION_YEARS.first;

export interface LakeTableArgs {
  /** Catalog database of the table. Required. */
  readonly databaseName: pulumi.Input<string>;
  /** Table name. Default: the component name with `_` for other characters. */
  readonly tableName?: string;
  /** Bucket (zone) holding the data. Required. */
  readonly bucket: Pick<BucketRef, "bucketName">;
  /** Dataset prefix in the bucket; partitions are below it (`<prefix>year=/month=/day=/hour=`). Required. */
  readonly prefix: string;
  /** Data columns (not the partition columns, which every lake table has). Required. */
  readonly columns: readonly LakeColumn[];
  /** `json` (one object per line) or `parquet`. Required. */
  readonly format: TableFormat;
  /** First year partition projection covers. Default 2025. */
  readonly firstYear?: number;
  /** Last year partition projection covers. Default 2099. */
  readonly lastYear?: number;
  /** Description shown in the catalog. Default none. */
  readonly description?: string;
  /**
   * LF-tags to attach to the table (key → value), e.g. `{ domain, classification, zone }`; the tags
   * must exist. A table inherits its database's tags, but tag-based grants and audits read the
   * table's own, so domains attach them to both. Default none.
   */
  readonly lfTags?: Readonly<Record<string, string>>;
}

const PRIMITIVE =
  /^(boolean|tinyint|smallint|int|integer|bigint|float|double|string|binary|date|timestamp|decimal\(\d{1,2},\s*\d{1,2}\)|char\(\d+\)|varchar\(\d+\))$/;
const COMPLEX = /^(array|map|struct)<.+>$/;

/** Every problem with a table definition, naming the field. */
export function lakeTableProblems(args: Pick<LakeTableArgs, "columns" | "format">): string[] {
  const problems: string[] = [];
  if (!(TABLE_FORMATS as readonly string[]).includes(args.format)) {
    problems.push(`format = ${JSON.stringify(args.format)}: one of ${TABLE_FORMATS.join(", ")}`);
  }
  if (!args.columns?.length) problems.push("columns: at least one column");
  const seen = new Set<string>();
  (args.columns ?? []).forEach((c, i) => {
    if (!/^[a-z_][a-z0-9_]{0,254}$/.test(c.name)) {
      problems.push(`columns[${i}].name = ${JSON.stringify(c.name)}: lower-case letters, digits and "_"`);
    }
    if ((PARTITION_KEYS as readonly string[]).includes(c.name)) {
      problems.push(
        `columns[${i}].name = "${c.name}": reserved for the partition columns (${PARTITION_KEYS.join(", ")})`,
      );
    }
    if (seen.has(c.name)) problems.push(`columns[${i}].name = "${c.name}": appears twice`);
    seen.add(c.name);
    const t = c.type?.toLowerCase().trim();
    if (!t || !(PRIMITIVE.test(t) || COMPLEX.test(t))) {
      problems.push(
        `columns[${i}].type = ${JSON.stringify(c.type)}: an Athena type (string, bigint, double, boolean, timestamp, date, decimal(p,s), array<..>, map<..>, struct<..>, ...)`,
      );
    }
  });
  return problems;
}

/** Input/output formats and SerDe of a format. */
export function storageFormat(format: TableFormat): {
  inputFormat: string;
  outputFormat: string;
  serDeInfo: { serializationLibrary: string; parameters: Record<string, string> };
} {
  return format === "json"
    ? {
        inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
        outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        serDeInfo: { serializationLibrary: "org.openx.data.jsonserde.JsonSerDe", parameters: {} },
      }
    : {
        inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        serDeInfo: {
          serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
          parameters: { "serialization.format": "1" },
        },
      };
}

/**
 * A Glue table over a dataset that follows the partition convention, with partition projection, so
 * Athena sees every new hour without a crawler. Domains declare their tables with it.
 *
 * @example
 * new LakeTable("orders-events", {
 *   databaseName: rawDb.databaseName, bucket: lake.zones.raw, prefix: "orders/events/", format: "json",
 *   columns: [{ name: "order_id", type: "string" }, { name: "amount", type: "double" }],
 * });
 */
export class LakeTable extends pulumi.ComponentResource {
  public readonly table: aws.glue.CatalogTable;
  public readonly tableName: pulumi.Output<string>;
  public readonly databaseName: pulumi.Output<string>;
  /** `s3://bucket/prefix/` of the dataset. */
  public readonly location: pulumi.Output<string>;

  constructor(name: string, args: LakeTableArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:lake:LakeTable", name, {}, opts);
    const problems = lakeTableProblems(args);
    let prefix = "";
    let tableName = "";
    try {
      prefix = normalizeDatasetPrefix(args.prefix);
      tableName = args.tableName ?? catalogName(name);
      if (!/^[a-z_][a-z0-9_]{0,254}$/.test(tableName))
        problems.push(`tableName = "${tableName}": lower-case letters, digits and "_"`);
      projectionParameters("s3://check/", {
        firstYear: args.firstYear ?? DEFAULT_FIRST_YEAR,
        lastYear: args.lastYear,
      });
    } catch (e) {
      problems.push((e as Error).message);
    }
    if (problems.length) {
      throw new pulumi.ResourceError(
        `LakeTable ${name}: invalid arguments:\n  - ${problems.join("\n  - ")}`,
        this,
      );
    }
    this.location = pulumi.output(args.bucket.bucketName).apply((b) => datasetLocation(b, prefix));
    const storage = storageFormat(args.format);
    this.table = new aws.glue.CatalogTable(
      `${name}-table`,
      {
        name: tableName,
        databaseName: args.databaseName,
        description: args.description,
        tableType: "EXTERNAL_TABLE",
        parameters: this.location.apply((loc) => ({
          EXTERNAL: "TRUE",
          classification: args.format,
          ...(args.format === "parquet" ? { "parquet.compression": "SNAPPY" } : {}),
          ...projectionParameters(loc, {
            firstYear: args.firstYear ?? DEFAULT_FIRST_YEAR,
            lastYear: args.lastYear,
          }),
        })),
        partitionKeys: PARTITION_KEYS.map((k) => ({ name: k, type: "int" })),
        storageDescriptor: {
          location: this.location,
          inputFormat: storage.inputFormat,
          outputFormat: storage.outputFormat,
          serDeInfo: storage.serDeInfo,
          columns: args.columns.map((c) => ({
            name: c.name,
            type: c.type.toLowerCase().trim(),
            comment: c.comment,
          })),
        },
      },
      { parent: this },
    );
    this.tableName = this.table.name;
    this.databaseName = this.table.databaseName;
    const tags = Object.entries(args.lfTags ?? {});
    if (tags.length) {
      new aws.lakeformation.ResourceLfTags(
        `${name}-lf-tags`,
        {
          table: { databaseName: this.table.databaseName, name: this.table.name },
          lfTags: tags.map(([key, value]) => ({ key, value })),
        },
        { parent: this, dependsOn: opts.dependsOn },
      );
    }
    this.registerOutputs({ tableName: this.tableName, location: this.location });
  }
}
