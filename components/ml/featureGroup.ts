import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { specProblems, type FeatureSpec } from "../../runtime/features/types";
import type { MetricSpec } from "../lake/metrics";
import {
  FEATURE_READ_ACTIONS,
  FEATURE_WRITE_ACTIONS,
  KEY_DATA_ACTIONS,
  OFFLINE_STORE_GLUE_ACTIONS,
  OFFLINE_STORE_S3_ACTIONS,
  ONLINE_STORE_KEY_ACTIONS,
} from "./perms";
import { document, listUnder, objectsUnder, trustPolicy } from "./policies";

/** Where the offline store lives: a lake zone (the processed zone) and its Glue database. */
export interface OfflineStoreRef {
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  /** Key of the zone (the lake key): the offline store's Parquet files are encrypted with it. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Glue database the offline store's table is registered in (the zone's database). */
  readonly database: pulumi.Input<string>;
}

export interface FeatureGroupArgs {
  /** The typed feature spec (runtime/features): identifier, event time, features with types. Required. */
  readonly spec: FeatureSpec;
  /** Key of the online store (the platform's `ml` data-class key). Required. */
  readonly onlineStoreKeyArn: pulumi.Input<string>;
  /** The offline store's zone; the Glue table is registered in its database. Required. */
  readonly offlineStore: OfflineStoreRef;
  /** Key prefix of the offline store in the zone. Default `feature-store/<spec.name>/`. */
  readonly offlinePrefix?: string;
  /** Physical feature group name (≤ 64). Default `<name>-<stack>`. */
  readonly featureGroupName?: string;
  /** Grant the offline-store role Lake Formation CREATE_TABLE on the database (LF-governed lake). Default true. */
  readonly lakeFormation?: boolean;
  /** Days records live in the online store (TTL). Default: no expiry. */
  readonly onlineTtlDays?: number;
}

const DEFAULTS = { lakeFormation: true } as const;

/** The Glue table name of a feature group's offline store (Glue names: lower case, `_`). */
export function offlineTableName(featureGroupName: string): string {
  return featureGroupName.toLowerCase().replace(/[^a-z0-9_]/g, "_");
}

/**
 * `dataplatform:ml:FeatureGroup`: a SageMaker feature group defined from a typed feature spec. The
 * online store is encrypted with the ML key; the offline store writes Parquet into the lake's
 * processed zone (SSE-KMS with the lake key) and registers a Glue table in the zone's database so
 * Athena can query it. The store's role can write only its own prefix and table.
 */
export class FeatureGroup extends pulumi.ComponentResource {
  readonly featureGroup: aws.sagemaker.FeatureGroup;
  readonly featureGroupName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly role: aws.iam.Role;
  /** `s3://bucket/prefix/`: the offline store's root (SageMaker adds account/region/group below it). */
  readonly offlineStoreUri: pulumi.Output<string>;
  readonly offlineTable: pulumi.Output<string>;
  readonly offlineDatabase: pulumi.Output<string>;
  /** Key prefix of the offline store in its bucket. */
  readonly offlinePrefix: string;
  readonly spec: FeatureSpec;
  /** Metrics for dashboards and alarms (Feature Store publishes them per group and operation). */
  readonly keyMetrics: Record<string, MetricSpec>;
  private readonly onlineStoreKeyArn: pulumi.Input<string>;

  constructor(name: string, args: FeatureGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:ml:FeatureGroup", name, {}, opts);
    const a = { ...DEFAULTS, ...args };
    const problems = specProblems(args.spec);
    if (problems.length > 0) {
      throw new pulumi.ResourceError(`spec "${args.spec.name}": ${problems.join("; ")}`, this);
    }
    const groupName = args.featureGroupName ?? `${name}-${pulumi.getStack()}`;
    if (!/^[a-zA-Z0-9]([_-]*[a-zA-Z0-9]){0,63}$/.test(groupName)) {
      throw new pulumi.ResourceError(
        `featureGroupName = "${groupName}": letters, digits, - and _, at most 64 characters`,
        this,
      );
    }
    if (
      args.onlineTtlDays !== undefined &&
      (!Number.isInteger(args.onlineTtlDays) || args.onlineTtlDays < 1)
    ) {
      throw new pulumi.ResourceError(
        `onlineTtlDays = ${args.onlineTtlDays}: a positive number of days`,
        this,
      );
    }
    this.spec = args.spec;
    this.onlineStoreKeyArn = args.onlineStoreKeyArn;
    const prefix = args.offlinePrefix ?? `feature-store/${args.spec.name}/`;
    this.offlinePrefix = prefix;
    const tableName = offlineTableName(groupName);
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const region = aws.getRegionOutput({}, parent).region;
    const partition = aws.getPartitionOutput({}, parent).partition;

    // The offline store's role: its prefix, the lake key, its Glue table.
    this.role = new aws.iam.Role(
      `${name}-offline-role`,
      { assumeRolePolicy: account.apply((id) => trustPolicy("sagemaker.amazonaws.com", id)) },
      parent,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-offline-policy`,
      {
        role: this.role.name,
        policy: pulumi
          .all([
            args.offlineStore.bucketArn,
            args.offlineStore.kmsKeyArn,
            args.offlineStore.database,
            account,
            region,
            partition,
          ])
          .apply(([bucketArn, keyArn, database, accountId, r, p]) => {
            const glue = (kind: string) => `arn:${p}:glue:${r}:${accountId}:${kind}`;
            return JSON.stringify(
              document(
                {
                  Sid: "WriteOfflineStore",
                  Effect: "Allow",
                  Action: [...OFFLINE_STORE_S3_ACTIONS],
                  Resource: objectsUnder(bucketArn, prefix),
                },
                {
                  ...listUnder("ListOfflineStore", bucketArn, [prefix]),
                  Action: ["s3:ListBucket", "s3:GetBucketAcl", "s3:GetBucketLocation"],
                },
                { Sid: "LakeKey", Effect: "Allow", Action: [...KEY_DATA_ACTIONS], Resource: keyArn },
                {
                  Sid: "RegisterOfflineTable",
                  Effect: "Allow",
                  Action: [...OFFLINE_STORE_GLUE_ACTIONS],
                  Resource: [
                    glue("catalog"),
                    glue(`database/${database}`),
                    glue(`table/${database}/${tableName}`),
                  ],
                },
              ),
            );
          }),
      },
      parent,
    );
    const dependsOn: pulumi.Resource[] = [rolePolicy];
    if (a.lakeFormation) {
      // The lake is governed by Lake Formation (no IAM-only defaults): the store's role needs
      // CREATE_TABLE on the database to register its table.
      dependsOn.push(
        new aws.lakeformation.Permissions(
          `${name}-offline-lf`,
          {
            principal: this.role.arn,
            permissions: ["CREATE_TABLE", "DESCRIBE"],
            database: { name: args.offlineStore.database },
          },
          parent,
        ),
      );
      // The offline store's bucket is a location registered with Lake Formation: creating a table
      // there takes DATA_LOCATION_ACCESS on it besides CREATE_TABLE on the database.
      dependsOn.push(
        new aws.lakeformation.Permissions(
          `${name}-offline-location`,
          {
            principal: this.role.arn,
            permissions: ["DATA_LOCATION_ACCESS"],
            dataLocation: { arn: args.offlineStore.bucketArn },
          },
          parent,
        ),
      );
    }

    this.featureGroup = new aws.sagemaker.FeatureGroup(
      `${name}-group`,
      {
        featureGroupName: groupName,
        description: args.spec.description,
        recordIdentifierFeatureName: args.spec.recordIdentifier,
        eventTimeFeatureName: args.spec.eventTime,
        featureDefinitions: args.spec.features.map((f) => ({ featureName: f.name, featureType: f.type })),
        roleArn: this.role.arn,
        onlineStoreConfig: {
          enableOnlineStore: true,
          securityConfig: { kmsKeyId: args.onlineStoreKeyArn },
          ...(args.onlineTtlDays ? { ttlDuration: { unit: "Days", value: args.onlineTtlDays } } : {}),
        },
        offlineStoreConfig: {
          s3StorageConfig: {
            s3Uri: pulumi.interpolate`s3://${args.offlineStore.bucketName}/${prefix}`,
            kmsKeyId: args.offlineStore.kmsKeyArn,
          },
          dataCatalogConfig: { catalog: "AwsDataCatalog", database: args.offlineStore.database, tableName },
          disableGlueTableCreation: false,
          tableFormat: "Glue",
        },
      },
      { parent: this, dependsOn },
    );
    this.featureGroupName = this.featureGroup.featureGroupName;
    this.arn = this.featureGroup.arn;
    this.offlineStoreUri = pulumi.interpolate`s3://${args.offlineStore.bucketName}/${prefix}`;
    this.offlineTable = pulumi.output(tableName);
    this.offlineDatabase = pulumi.output(args.offlineStore.database);
    const dims = (operation: string) => ({
      FeatureGroupName: this.featureGroupName,
      OperationName: operation,
    });
    this.keyMetrics = {
      putRecordLatency: {
        namespace: "/aws/sagemaker/FeatureStore",
        metricName: "Latency",
        dimensions: dims("PutRecord"),
        statistic: "Average",
        period: 60,
      },
      putRecordThrottles: {
        namespace: "/aws/sagemaker/FeatureStore",
        metricName: "ThrottledRequests",
        dimensions: dims("PutRecord"),
        statistic: "Sum",
        period: 60,
      },
      putRecord4xxErrors: {
        namespace: "/aws/sagemaker/FeatureStore",
        metricName: "Operation4XXErrors",
        dimensions: dims("PutRecord"),
        statistic: "Sum",
        period: 60,
      },
    };
    this.registerOutputs({
      featureGroupName: this.featureGroupName,
      arn: this.arn,
      offlineStoreUri: this.offlineStoreUri,
    });
  }

  /** Lets `role` write records (PutRecord on this group only; Decrypt on the online key). */
  grantWrite(name: string, role: aws.iam.Role): aws.iam.RolePolicy {
    return this.grant(name, role, FEATURE_WRITE_ACTIONS);
  }

  /** Lets `role` read online records (the inference API). */
  grantOnlineRead(name: string, role: aws.iam.Role): aws.iam.RolePolicy {
    return this.grant(name, role, FEATURE_READ_ACTIONS);
  }

  private grant(name: string, role: aws.iam.Role, actions: readonly string[]): aws.iam.RolePolicy {
    return new aws.iam.RolePolicy(
      name,
      {
        role: role.name,
        policy: pulumi.all([this.arn, this.onlineStoreKeyArn]).apply(([arn, keyArn]) =>
          JSON.stringify(
            document(
              { Sid: "FeatureGroup", Effect: "Allow", Action: [...actions], Resource: arn },
              {
                Sid: "OnlineStoreKey",
                Effect: "Allow",
                Action: [...ONLINE_STORE_KEY_ACTIONS],
                Resource: keyArn,
              },
            ),
          ),
        ),
      },
      { parent: this },
    );
  }
}
