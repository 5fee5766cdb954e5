import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { DataLake } from "./dataLake";
import type { LakeCatalog } from "./lakeCatalog";
import type { BucketRef } from "./lakeBucket";
import type { QueryWorkgroup } from "./queryWorkgroup";

const BucketOutputSchema = z.object({ name: z.string().min(1), arn: z.string().startsWith("arn:") });

/**
 * What the platform exports about the lake for domains (to be nested in the platform contract,
 * e.g. as `lake`): bucket names and ARNs, the lake key, the Glue security configuration, the zone
 * databases and the shared Athena workgroup.
 */
export const LakeOutputsSchema = z.object({
  kmsKeyArn: z.string().startsWith("arn:"),
  buckets: z.object({
    raw: BucketOutputSchema,
    processed: BucketOutputSchema,
    curated: BucketOutputSchema,
    queryResults: BucketOutputSchema,
    artifacts: BucketOutputSchema,
  }),
  securityConfigurationName: z.string().min(1),
  databases: z.object({ raw: z.string().min(1), processed: z.string().min(1), curated: z.string().min(1) }),
  workgroup: z.string().min(1),
});
export type LakeOutputs = z.infer<typeof LakeOutputsSchema>;
export type LakeBucketName = keyof LakeOutputs["buckets"];

/** The lake's contract outputs from the platform's components. */
export function lakeOutputs(
  lake: DataLake,
  catalog: LakeCatalog,
  workgroup: QueryWorkgroup,
): pulumi.Output<LakeOutputs> {
  const bucket = (b: { bucketName: pulumi.Output<string>; bucketArn: pulumi.Output<string> }) =>
    pulumi.all([b.bucketName, b.bucketArn]).apply(([name, arn]) => ({ name, arn }));
  return pulumi.output({
    kmsKeyArn: catalog.kmsKeyArn,
    buckets: {
      raw: bucket(lake.zones.raw),
      processed: bucket(lake.zones.processed),
      curated: bucket(lake.zones.curated),
      queryResults: bucket(lake.queryResults),
      artifacts: bucket(lake.artifacts),
    },
    securityConfigurationName: catalog.securityConfigurationName,
    databases: {
      raw: catalog.databases.raw.databaseName,
      processed: catalog.databases.processed.databaseName,
      curated: catalog.databases.curated.databaseName,
    },
    workgroup: workgroup.workgroupName,
  });
}

/** A bucket reference a domain builds from the platform's lake outputs (every lake bucket uses the lake key). */
export function lakeBucketRef(lake: pulumi.Input<LakeOutputs>, bucket: LakeBucketName): BucketRef {
  const l = pulumi.output(lake);
  return {
    bucketName: l.apply((x) => x.buckets[bucket].name),
    bucketArn: l.apply((x) => x.buckets[bucket].arn),
    kmsKeyArn: l.apply((x) => x.kmsKeyArn),
  };
}
