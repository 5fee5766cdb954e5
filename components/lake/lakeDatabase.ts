import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BucketRef } from "./lakeBucket";
import { catalogName, stackCatalogPrefix } from "./naming";
import { normalizeDatasetPrefix } from "./partitioning";

export interface LakeDatabaseArgs {
  /** Bucket the database's tables live in (a zone). Required. */
  readonly bucket: Pick<BucketRef, "bucketName">;
  /** Key prefix of the database in the bucket, e.g. a domain's `orders/`. Default: the whole bucket. */
  readonly prefix?: string;
  /** Catalog name of the database. Default `<project>_<stack>_<name>` with `_` for other characters. */
  readonly databaseName?: string;
  /** Description shown in the catalog. Default none. */
  readonly description?: string;
  /** LF-tags to attach (key → value); the tags must exist (see `LakeCatalog`). Default none. */
  readonly lfTags?: Readonly<Record<string, string>>;
}

/**
 * A Glue Data Catalog database over one zone (the platform creates one per zone) or over a domain's
 * prefix of a zone (a domain creates its own, e.g. `orders` in processed).
 *
 * @example
 * const db = new LakeDatabase("orders-processed", { bucket: lake.zones.processed, prefix: "orders/" });
 */
export class LakeDatabase extends pulumi.ComponentResource {
  public readonly database: aws.glue.CatalogDatabase;
  public readonly databaseName: pulumi.Output<string>;
  public readonly databaseArn: pulumi.Output<string>;
  /** `s3://bucket/prefix/` of the database. */
  public readonly locationUri: pulumi.Output<string>;

  constructor(name: string, args: LakeDatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:lake:LakeDatabase", name, {}, opts);
    let prefix = "";
    let databaseName: string;
    try {
      if (args.prefix !== undefined) prefix = normalizeDatasetPrefix(args.prefix);
      databaseName = args.databaseName ?? catalogName(stackCatalogPrefix(), name);
      if (!/^[a-z_][a-z0-9_]{0,254}$/.test(databaseName)) {
        throw new Error(
          `databaseName = "${databaseName}": lower-case letters, digits and "_" (Athena identifiers)`,
        );
      }
    } catch (e) {
      throw new pulumi.ResourceError(`LakeDatabase ${name}: ${(e as Error).message}`, this);
    }
    this.locationUri = pulumi.interpolate`s3://${args.bucket.bucketName}/${prefix}`;
    this.database = new aws.glue.CatalogDatabase(
      `${name}-database`,
      { name: databaseName, locationUri: this.locationUri, description: args.description },
      { parent: this },
    );
    this.databaseName = this.database.name;
    this.databaseArn = this.database.arn;
    const tags = Object.entries(args.lfTags ?? {});
    if (tags.length) {
      new aws.lakeformation.ResourceLfTags(
        `${name}-lf-tags`,
        { database: { name: this.database.name }, lfTags: tags.map(([key, value]) => ({ key, value })) },
        // The tags are created elsewhere (LakeCatalog): wait for what the component was told to wait for.
        { parent: this, dependsOn: opts.dependsOn },
      );
    }
    this.registerOutputs({ databaseName: this.databaseName, locationUri: this.locationUri });
  }
}
