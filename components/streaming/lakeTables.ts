import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { LakeDatabase, LakeTable } from "../lake";
import type { LakeOutputs } from "../lake/outputs";
import { buildDataProduct } from "../../runtime/schemas";
import { rawPrefixes } from "./pipeline";

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  enum?: unknown[];
};

/** The Glue (Hive) type of a JSON Schema node, as Athena reads JSON lines with the OpenX SerDe. */
export function glueType(s: JsonSchema): string {
  if (s.anyOf) {
    const nonNull = s.anyOf.filter((x) => x.type !== "null");
    return nonNull.length === 1 ? glueType(nonNull[0]) : "string";
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "string":
      return "string";
    case "integer":
      return "bigint";
    case "number":
      return "double";
    case "boolean":
      return "boolean";
    case "array":
      return `array<${s.items ? glueType(s.items) : "string"}>`;
    case "object":
      if (s.properties && Object.keys(s.properties).length) {
        return `struct<${Object.entries(s.properties)
          .map(([k, v]) => `${k}:${glueType(v)}`)
          .join(",")}>`;
      }
      return `map<string,${typeof s.additionalProperties === "object" ? glueType(s.additionalProperties) : "string"}>`;
    default:
      return "string";
  }
}

/** Columns of the `_meta` struct the runtime adds to every raw lake record. */
const META_COLUMN = {
  name: "_meta",
  type: "struct<idempotencykey:string,sequencenumber:string,subsequencenumber:bigint,shardid:string,partition:struct<year:string,month:string,day:string,hour:string>>",
  comment: "stream origin and partition values added by the processor",
};

/**
 * Glue columns of a data product's raw records, derived from its zod schema (one source for the
 * processor's validation and the catalog), plus the runtime's `_meta` column. Catalog names are
 * lower case; the JSON SerDe matches them to the records' camelCase keys case-insensitively.
 */
export function rawColumns(dataProduct: string): { name: string; type: string; comment?: string }[] {
  const schema = z.toJSONSchema(buildDataProduct(dataProduct).schema, {
    unrepresentable: "any",
  }) as JsonSchema;
  return [
    ...Object.entries(schema.properties ?? {}).map(([name, s]) => ({
      name: name.toLowerCase(),
      type: glueType(s),
    })),
    META_COLUMN,
  ];
}

/**
 * The domain's raw-zone database and the table over one data product's raw events, with partition
 * projection on `year=/month=/day=/hour=` so Athena sees new hours without a crawler.
 */
export function rawEventsTable(
  name: string,
  args: {
    dataProduct: string;
    domain: string;
    lake: pulumi.Output<LakeOutputs>;
    /** LF-tag `classification` of the domain's data. Default none (no LF-tags attached). */
    classification?: string;
  },
  opts: pulumi.ComponentResourceOptions,
): { database: LakeDatabase; table: LakeTable } {
  const bucket = { bucketName: args.lake.apply((l) => l.buckets.raw.name) };
  const lfTags = args.classification
    ? { domain: args.domain, classification: args.classification, zone: "raw" }
    : undefined;
  const database = new LakeDatabase(
    `${name}-raw`,
    {
      bucket,
      prefix: rawPrefixes(args.dataProduct).records,
      description: `${args.domain}: raw events`,
      ...(lfTags ? { lfTags } : {}),
    },
    opts,
  );
  const table = new LakeTable(
    `${name}-raw-events`,
    {
      databaseName: database.databaseName,
      bucket,
      prefix: rawPrefixes(args.dataProduct).records,
      columns: rawColumns(args.dataProduct),
      format: "json",
      description: `${args.dataProduct} events as received, partitioned by event time`,
      ...(lfTags ? { lfTags } : {}),
    },
    opts,
  );
  return { database, table };
}
