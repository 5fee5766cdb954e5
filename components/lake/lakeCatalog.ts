import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DATA_CLASSIFICATIONS } from "../../config/domain";
import { LAKE_ZONES, type LakeZone } from "./dataLake";
import type { BucketRef } from "./lakeBucket";
import { LakeDatabase } from "./lakeDatabase";
import { LfTagGrant, type LfTagGrantArgs } from "./lfTagGrant";
import { catalogName, stackCatalogPrefix } from "./naming";
import { doc, readPolicy, serviceTrustPolicy, writePolicy } from "./policies";

/** LF-tags the catalog creates: the zone of a database and the classification of a domain's data. */
export const DEFAULT_LF_TAGS: Readonly<Record<string, readonly string[]>> = {
  zone: LAKE_ZONES,
  classification: DATA_CLASSIFICATIONS,
};

export interface LakeCatalogArgs {
  /** Key for catalog metadata, connection passwords and the Glue security configuration. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** The zone buckets: one database each, registered with Lake Formation. Required. */
  readonly zones: Readonly<Record<LakeZone, BucketRef>>;
  /** Prefix of the zone databases' names. Default `<project>_<stack>`. */
  readonly databasePrefix?: string;
  /** Register the zone locations with Lake Formation (through a role scoped to them). Default true. */
  readonly registerWithLakeFormation?: boolean;
  /** LF-tags to create (account-wide keys) and attach. Default `DEFAULT_LF_TAGS` (`zone`, `classification`). */
  readonly lfTags?: Readonly<Record<string, readonly string[]>>;
}

/**
 * The platform's catalog, once per account and region: Data Catalog encryption (metadata and
 * connection passwords with KMS), the Glue security configuration every job and crawler uses (S3
 * SSE-KMS, CloudWatch Logs SSE-KMS, job bookmarks CSE-KMS), a database per zone, Lake Formation
 * registration of the zone locations and the LF-tags grants are made by.
 */
export class LakeCatalog extends pulumi.ComponentResource {
  public readonly securityConfiguration: aws.glue.SecurityConfiguration;
  /** Name of the Glue security configuration for jobs and crawlers. */
  public readonly securityConfigurationName: pulumi.Output<string>;
  /** Key of the security configuration (jobs and crawlers need to use it). */
  public readonly kmsKeyArn: pulumi.Output<string>;
  public readonly databases: Record<LakeZone, LakeDatabase>;
  /** Role Lake Formation assumes to reach registered locations. */
  public readonly dataAccessRole?: aws.iam.Role;
  public readonly lfTags: Readonly<Record<string, readonly string[]>>;
  private readonly tagResources: aws.lakeformation.LfTag[];
  private readonly componentName: string;

  constructor(name: string, args: LakeCatalogArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:lake:LakeCatalog", name, {}, opts);
    this.componentName = name;
    this.kmsKeyArn = pulumi.output(args.kmsKeyArn);
    this.lfTags = args.lfTags ?? DEFAULT_LF_TAGS;
    const child = { parent: this };
    const region = aws.getRegionOutput({}, child).region;
    const account = aws.getCallerIdentityOutput({}, child).accountId;

    new aws.glue.DataCatalogEncryptionSettings(
      `${name}-encryption`,
      {
        dataCatalogEncryptionSettings: {
          encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: args.kmsKeyArn },
          connectionPasswordEncryption: {
            returnConnectionPasswordEncrypted: true,
            awsKmsKeyId: args.kmsKeyArn,
          },
        },
      },
      child,
    );
    this.securityConfiguration = new aws.glue.SecurityConfiguration(
      `${name}-security`,
      {
        encryptionConfiguration: {
          s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: args.kmsKeyArn },
          cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: args.kmsKeyArn },
          jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: args.kmsKeyArn },
        },
      },
      child,
    );
    this.securityConfigurationName = this.securityConfiguration.name;

    this.tagResources = Object.entries(this.lfTags).map(
      ([key, values]) =>
        new aws.lakeformation.LfTag(`${name}-tag-${key}`, { key, values: [...values] }, child),
    );

    const prefix = args.databasePrefix ?? stackCatalogPrefix();
    const zoneTag = this.lfTags.zone ? "zone" : undefined;
    const db = (zone: LakeZone) =>
      new LakeDatabase(
        `${name}-${zone}`,
        {
          bucket: args.zones[zone],
          databaseName: catalogName(prefix, zone),
          description: `The lake's ${zone} zone`,
          ...(zoneTag ? { lfTags: { [zoneTag]: zone } } : {}),
        },
        { parent: this, dependsOn: this.tagResources },
      );
    this.databases = { raw: db("raw"), processed: db("processed"), curated: db("curated") };

    if (args.registerWithLakeFormation ?? true) {
      this.dataAccessRole = new aws.iam.Role(
        `${name}-lf-access`,
        {
          description: "Lake Formation access to the registered lake zones",
          assumeRolePolicy: account.apply((a) =>
            JSON.stringify(serviceTrustPolicy("lakeformation.amazonaws.com", a)),
          ),
        },
        child,
      );
      for (const zone of LAKE_ZONES) {
        const bucket = args.zones[zone];
        const policy = new aws.iam.RolePolicy(
          `${name}-lf-access-${zone}`,
          {
            role: this.dataAccessRole.name,
            policy: pulumi
              .all([bucket.bucketArn, bucket.kmsKeyArn, region])
              .apply(([bucketArn, keyArn, r]) => {
                const scope = { bucketArn, region: r, ...(keyArn ? { keyArn } : {}) };
                const read = readPolicy(scope).Statement.map((s) => ({ ...s, Sid: `Read${s.Sid}` }));
                const write = writePolicy({ ...scope, allowDelete: true }).Statement.map((s) => ({
                  ...s,
                  Sid: `Write${s.Sid}`,
                }));
                return JSON.stringify(doc(...read, ...write));
              }),
          },
          child,
        );
        new aws.lakeformation.Resource(
          `${name}-${zone}-location`,
          { arn: bucket.bucketArn, roleArn: this.dataAccessRole.arn },
          { parent: this, dependsOn: [policy] },
        );
      }
    }

    this.registerOutputs({
      securityConfigurationName: this.securityConfigurationName,
      rawDatabaseName: this.databases.raw.databaseName,
      processedDatabaseName: this.databases.processed.databaseName,
      curatedDatabaseName: this.databases.curated.databaseName,
    });
  }

  /** A grant by LF-tag expression, checked against the tags this catalog created. */
  grantByTags(key: string, args: Omit<LfTagGrantArgs, "knownTags">): LfTagGrant {
    return new LfTagGrant(
      `${this.componentName}-grant-${key}`,
      { ...args, knownTags: this.lfTags },
      { parent: this, dependsOn: this.tagResources },
    );
  }
}
