import * as fs from "node:fs";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LIMITS } from "../../config/limits";
import { LOG_RETENTION_DAYS } from "../../config/limits";
import { type ArgProblem, describeProblems } from "../batch/args";
import {
  assumeRolePolicy,
  bucketNameOf,
  partitionOf,
  policyDocument,
  type PolicyDocument,
} from "../batch/iam";
import { physicalName } from "../batch/names";
import {
  isReplayable,
  PLATFORM_SQL_FILE,
  renderWarehouseSql,
  splitStatements,
  WAREHOUSE_LOAD_ROLE,
} from "./sql";
import { type KeyMetrics, redshiftClusterMetrics, redshiftServerlessMetrics } from "../observability/metrics";
import {
  GLUE_CATALOG_READ_ACTIONS,
  LAKE_KMS_ACTIONS,
  LAKE_LIST_ACTIONS,
  LAKE_READ_OBJECT_ACTIONS,
} from "./perms";

/** The lake zones Redshift loads from (COPY) and queries in place (Spectrum). */
export interface WarehouseLakeAccess {
  /** ARN of the processed zone's bucket (events: COPY and Spectrum). Required. */
  readonly bucketArn: pulumi.Input<string>;
  /** ARN of the curated zone's bucket (the Spark roll-ups: COPY). Required. */
  readonly curatedBucketArn: pulumi.Input<string>;
  /** Key prefix COPY and Spectrum may read in both zones, e.g. `orders/`. Default `""` (the whole zones). */
  readonly prefix?: string;
  /** KMS key the zone is encrypted with (decrypt only). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Glue databases Spectrum external schemas may map (read-only). Default none. */
  readonly glueDatabaseNames?: pulumi.Input<string>[];
}

export interface WarehouseArgs {
  /** Redshift Serverless (namespace + workgroup) instead of a provisioned cluster (config `warehouse.serverless`). Default false. */
  readonly serverless?: boolean;
  /** Database subnet group of the provisioned cluster. Required unless serverless. */
  readonly subnetGroupName?: pulumi.Input<string>;
  /** Database subnets of the serverless workgroup: at least three, in three AZs (Redshift Serverless requirement). Required when serverless. */
  readonly subnetIds?: pulumi.Input<string>[];
  /** Security groups (the platform's Redshift SG). */
  readonly securityGroupIds: pulumi.Input<string>[];
  /** Warehouse KMS key: encrypts the cluster or namespace. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** KMS key of the Secrets Manager secret holding the admin password Redshift manages. */
  readonly secretsKmsKeyArn: pulumi.Input<string>;
  /** KMS key of the audit log groups (its policy must allow `logs.<region>.amazonaws.com`). Default `kmsKeyArn`. */
  readonly logKmsKeyArn?: pulumi.Input<string>;
  /** Audit log retention in days (a CloudWatch Logs value). Default 365. */
  readonly logRetentionDays?: number;
  /** Provisioned node type; Multi-AZ needs RA3. Default `ra3.xlplus`. */
  readonly nodeType?: string;
  /** Provisioned nodes (per AZ with Multi-AZ), 1 to `LIMITS.redshiftMaxNodes` (128). Default 2. */
  readonly nodeCount?: number;
  /** Multi-AZ provisioned cluster (RA3, at least 2 nodes) (config `warehouse.multiAz`). Default false. */
  readonly multiAz?: boolean;
  /** Automated snapshot retention in days, 1-35. Default 7. */
  readonly snapshotRetentionDays?: number;
  /** Admin user name; not Redshift's console default `awsuser` nor `admin`. Default `platform_admin`. */
  readonly adminUsername?: string;
  /** First database; not the default `dev`. Default `analytics`. */
  readonly databaseName?: string;
  /**
   * Database user the orchestration's Data API loads run as on a provisioned cluster; it holds the load
   * role `WAREHOUSE_LOAD_ROLE` (Serverless loads run as the workflow role's own user with that role).
   * Default `etl_loader`.
   */
  readonly loadUser?: string;
  /** Parameter group family of the provisioned cluster. Default `redshift-2.0`. */
  readonly parameterGroupFamily?: string;
  /** Serverless base capacity in RPUs (8-512, steps of 8). Default 8. */
  readonly serverlessBaseCapacity?: number;
  /** Serverless maximum capacity in RPUs, a cost ceiling. Default 64. */
  readonly serverlessMaxCapacity?: number;
  /** Lake access for COPY and Spectrum: creates the Redshift role. Default none (no role). */
  readonly lake?: WarehouseLakeAccess;
  /**
   * Apply `sql/platform.sql` (tables, load user, COPY procedure, Spectrum schema) through the Data API
   * as the admin user (cluster: its temporary credentials; serverless: its secret) when the warehouse
   * is created, one `aws.redshiftdata.Statement` per statement,
   * each keyed by its content (an edited statement runs again, the others do not). Needs `lake` (the
   * role COPY and Spectrum use). Default true when `lake` is given.
   */
  readonly applyPlatformSql?: boolean;
  /**
   * Create the provisioned cluster from this snapshot (disaster recovery: the latest copy of the
   * primary's automated snapshots in this region). The tables, data, users and roles come with it, so
   * of `platform.sql` only what is safe to run again runs (`replayableStatements`): the procedures and
   * the Spectrum schema then point at this stack's lake role and buckets. A changed snapshot replaces the
   * cluster. Not for Serverless. Default none (an empty cluster).
   */
  readonly restoreFromSnapshot?: {
    readonly snapshotIdentifier: string;
    /** The cluster the snapshot was taken of. */
    readonly sourceClusterIdentifier: string;
  };
  /** Let `pulumi destroy` delete the cluster or namespace (a final snapshot is still taken). Default false: retained. */
  readonly allowDestroyData?: boolean;
  /**
   * Copy the cluster's automated snapshots to the DR region (provisioned cluster only): a snapshot
   * copy grant for `kmsKeyArn` (the warehouse key's replica) in the DR provider's region, and the
   * cluster's snapshot copy configuration. Default none.
   */
  readonly drSnapshotCopy?: {
    readonly provider: pulumi.ProviderResource;
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Days copied automated snapshots are kept in the DR region. */
    readonly retentionDays: number;
  };
}

const DEFAULTS = {
  serverless: false,
  logRetentionDays: 365,
  nodeType: "ra3.xlplus",
  nodeCount: 2,
  multiAz: false,
  snapshotRetentionDays: 7,
  adminUsername: "platform_admin",
  databaseName: "analytics",
  loadUser: "etl_loader",
  parameterGroupFamily: "redshift-2.0",
  serverlessBaseCapacity: 8,
  serverlessMaxCapacity: 64,
  allowDestroyData: false,
} as const;

/** Audit logs exported (connections, users, user activity). */
export const AUDIT_LOG_TYPES = ["connectionlog", "userlog", "useractivitylog"] as const;

/** Names Redshift or its console use by default, refused for the admin user. */
const DEFAULT_ADMIN_NAMES = ["awsuser", "admin", "root", "master", "rdsdb"];
/** Names used by default for the first database. */
const DEFAULT_DATABASE_NAMES = ["dev", "default", "template0", "template1", "padb_harvest", "sys:internal"];

/** The resolved warehouse settings validated by `validateWarehouse`. */
export interface WarehouseSettings {
  serverless: boolean;
  nodeType: string;
  nodeCount: number;
  multiAz: boolean;
  snapshotRetentionDays: number;
  adminUsername: string;
  databaseName: string;
  loadUser: string;
  logRetentionDays: number;
  serverlessBaseCapacity: number;
  serverlessMaxCapacity: number;
  hasSubnetGroup: boolean;
  subnetCount: number;
}

/** Every problem with the warehouse settings, naming the field, the value and what is allowed. */
export function validateWarehouse(s: WarehouseSettings): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const intIn = (field: keyof WarehouseSettings, min: number, max: number, allowed: string) => {
    const v = s[field] as number;
    if (!Number.isInteger(v) || v < min || v > max) problems.push({ field, value: v, allowed });
  };
  if (!/^[a-z][a-z0-9_]{0,126}$/.test(s.adminUsername) || DEFAULT_ADMIN_NAMES.includes(s.adminUsername))
    problems.push({
      field: "adminUsername",
      value: s.adminUsername,
      allowed: `a lower-case name starting with a letter (letters, digits, _), not a default name (${DEFAULT_ADMIN_NAMES.join(", ")})`,
    });
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(s.databaseName) || DEFAULT_DATABASE_NAMES.includes(s.databaseName))
    problems.push({
      field: "databaseName",
      value: s.databaseName,
      allowed: `a lower-case name starting with a letter (letters, digits, _), at most 64 characters, not ${DEFAULT_DATABASE_NAMES.join(", ")}`,
    });
  if (!/^[a-z][a-z0-9_]{0,126}$/.test(s.loadUser) || s.loadUser === s.adminUsername)
    problems.push({
      field: "loadUser",
      value: s.loadUser,
      allowed: "a lower-case database user name other than adminUsername",
    });
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(s.logRetentionDays))
    problems.push({
      field: "logRetentionDays",
      value: s.logRetentionDays,
      allowed: `one of ${LOG_RETENTION_DAYS.join(", ")}`,
    });
  if (s.serverless) {
    if (s.subnetCount < 3)
      problems.push({
        field: "subnetIds",
        value: `${s.subnetCount} subnet(s)`,
        allowed: "at least 3 subnets in 3 Availability Zones (Redshift Serverless requirement)",
      });
    intIn("serverlessBaseCapacity", 8, 1024, "RPUs from 8 to 1024 in steps of 8");
    if (s.serverlessBaseCapacity % 8 !== 0)
      problems.push({
        field: "serverlessBaseCapacity",
        value: s.serverlessBaseCapacity,
        allowed: "a multiple of 8 RPUs",
      });
    if (
      !Number.isInteger(s.serverlessMaxCapacity) ||
      s.serverlessMaxCapacity < s.serverlessBaseCapacity ||
      s.serverlessMaxCapacity > 5632
    )
      problems.push({
        field: "serverlessMaxCapacity",
        value: s.serverlessMaxCapacity,
        allowed: `RPUs from serverlessBaseCapacity (${s.serverlessBaseCapacity}) to 5632`,
      });
    return problems;
  }
  if (!s.hasSubnetGroup)
    problems.push({
      field: "subnetGroupName",
      value: undefined,
      allowed: "the database subnet group (required for a provisioned cluster)",
    });
  intIn(
    "nodeCount",
    1,
    LIMITS.redshiftMaxNodes,
    `an integer from 1 to ${LIMITS.redshiftMaxNodes} (Redshift nodes per cluster)`,
  );
  intIn("snapshotRetentionDays", 1, 35, "an integer from 1 to 35 (days automated snapshots are kept)");
  if (!/^(ra3|dc2)\.[a-z0-9]+$/.test(s.nodeType))
    problems.push({
      field: "nodeType",
      value: s.nodeType,
      allowed: "a current Redshift node type such as ra3.xlplus, ra3.4xlarge, ra3.16xlarge",
    });
  if (s.multiAz) {
    if (!s.nodeType.startsWith("ra3."))
      problems.push({
        field: "nodeType",
        value: s.nodeType,
        allowed: "an RA3 node type (Multi-AZ requires RA3)",
      });
    if (s.nodeCount < 2)
      problems.push({
        field: "nodeCount",
        value: s.nodeCount,
        allowed: "at least 2 (Multi-AZ clusters cannot be single-node)",
      });
  }
  return problems;
}

/** Parameters of the provisioned cluster's parameter group: TLS only, user activity logged. */
export function redshiftParameters(): { name: string; value: string }[] {
  return [
    { name: "require_ssl", value: "true" },
    { name: "enable_user_activity_logging", value: "true" },
  ];
}

/**
 * Config parameters of the serverless workgroup. The full set with AWS's defaults except
 * `require_ssl` and `enable_user_activity_logging` (a partial list shows a diff on every preview).
 */
export function serverlessConfigParameters(): { parameterKey: string; parameterValue: string }[] {
  return Object.entries({
    auto_mv: "true",
    datestyle: "ISO, MDY",
    enable_case_sensitive_identifier: "false",
    enable_user_activity_logging: "true",
    max_query_execution_time: "14400",
    query_group: "default",
    require_ssl: "true",
    search_path: "$user, public",
    use_fips_ssl: "false",
  }).map(([parameterKey, parameterValue]) => ({ parameterKey, parameterValue }));
}

/** CloudWatch log groups Redshift exports audit logs to (created first, with KMS and retention). */
export function auditLogGroupNames(kind: "cluster" | "serverless", name: string): string[] {
  return AUDIT_LOG_TYPES.map((t) =>
    kind === "cluster" ? `/aws/redshift/cluster/${name}/${t}` : `/aws/redshift/${name}/${t}`,
  );
}

/**
 * The Redshift role's policy: read the processed zone (and the curated zone, when given) under the
 * prefix (COPY, Spectrum), decrypt with the lake key only, read the named Glue databases' tables.
 * Nothing else.
 */
export function lakeAccessPolicy(args: {
  bucketArn: string;
  curatedBucketArn?: string;
  prefix: string;
  kmsKeyArn: string;
  glueDatabaseNames: readonly string[];
  region: string;
  accountId: string;
}): PolicyDocument {
  const partition = partitionOf(args.kmsKeyArn);
  const buckets = [args.bucketArn, ...(args.curatedBucketArn ? [args.curatedBucketArn] : [])].map(
    bucketNameOf,
  );
  const one = (arns: string[]) => (arns.length === 1 ? arns[0] : arns);
  const glue = (resource: string) => `arn:${partition}:glue:${args.region}:${args.accountId}:${resource}`;
  return policyDocument([
    {
      Sid: "ReadLakeObjects",
      Effect: "Allow",
      Action: [...LAKE_READ_OBJECT_ACTIONS],
      Resource: one(buckets.map((b) => `arn:${partition}:s3:::${b}/${args.prefix}*`)),
    },
    {
      Sid: "ListLakePrefix",
      Effect: "Allow",
      Action: [...LAKE_LIST_ACTIONS],
      Resource: one(buckets.map((b) => `arn:${partition}:s3:::${b}`)),
      ...(args.prefix ? { Condition: { StringLike: { "s3:prefix": [`${args.prefix}*`] } } } : {}),
    },
    { Sid: "DecryptLake", Effect: "Allow", Action: [...LAKE_KMS_ACTIONS], Resource: args.kmsKeyArn },
    args.glueDatabaseNames.length
      ? {
          Sid: "ReadCatalog",
          Effect: "Allow",
          Action: [...GLUE_CATALOG_READ_ACTIONS],
          Resource: [
            glue("catalog"),
            ...args.glueDatabaseNames.flatMap((db) => [glue(`database/${db}`), glue(`table/${db}/*`)]),
          ],
        }
      : undefined,
  ]);
}

/** Where the orchestration loads: the cluster (Data API with temporary credentials for `dbUser`) or the workgroup. */
export interface WarehouseLoadTarget {
  readonly kind: "cluster" | "serverless";
  /** Cluster identifier or workgroup name. */
  readonly name: pulumi.Output<string>;
  /** Cluster ARN or workgroup ARN. */
  readonly arn: pulumi.Output<string>;
  /** Database loads run in. */
  readonly database: string;
  /** Database user of provisioned-cluster loads (GetClusterCredentials); serverless loads run as the caller's IAM identity. */
  readonly dbUser?: string;
}

/**
 * The warehouse: a provisioned Redshift cluster (KMS, private, enhanced VPC routing, TLS-only
 * parameter group, audit logs to KMS-encrypted CloudWatch log groups, admin password in Secrets
 * Manager, automated snapshots, Multi-AZ when asked) or Redshift Serverless with the same guarantees,
 * plus the role that lets it COPY from and query the lake.
 *
 * @example
 * const wh = new Warehouse("warehouse", { subnetGroupName, securityGroupIds: [redshiftSg.id],
 *   kmsKeyArn: keys.warehouse.arn, secretsKmsKeyArn: keys.secrets.arn, multiAz: true,
 *   lake: { bucketArn: processed.arn, kmsKeyArn: keys.lake.arn, glueDatabaseNames: ["processed"] } }, { provider });
 */
export class Warehouse extends pulumi.ComponentResource {
  /** Where loads go (for `BatchWorkflow`). */
  readonly loadTarget: WarehouseLoadTarget;
  /** ARN of the Secrets Manager secret Redshift manages for the admin user. */
  readonly adminSecretArn: pulumi.Output<string>;
  /** Role Redshift uses for COPY and Spectrum (when `lake` is given). */
  readonly lakeRole?: aws.iam.Role;
  /** Database name. */
  readonly databaseName: string;
  /** Endpoint host:port (cluster) or the workgroup endpoint address. */
  readonly endpoint: pulumi.Output<string>;
  /** CPU, disk and health (cluster) or capacity and failed queries (serverless), for dashboards and alarms. */
  readonly keyMetrics: KeyMetrics;

  constructor(name: string, args: WarehouseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:warehouse:Warehouse", name, {}, opts);
    const settings: WarehouseSettings = {
      serverless: args.serverless ?? DEFAULTS.serverless,
      nodeType: args.nodeType ?? DEFAULTS.nodeType,
      nodeCount: args.nodeCount ?? DEFAULTS.nodeCount,
      multiAz: args.multiAz ?? DEFAULTS.multiAz,
      snapshotRetentionDays: args.snapshotRetentionDays ?? DEFAULTS.snapshotRetentionDays,
      adminUsername: args.adminUsername ?? DEFAULTS.adminUsername,
      databaseName: args.databaseName ?? DEFAULTS.databaseName,
      loadUser: args.loadUser ?? DEFAULTS.loadUser,
      logRetentionDays: args.logRetentionDays ?? DEFAULTS.logRetentionDays,
      serverlessBaseCapacity: args.serverlessBaseCapacity ?? DEFAULTS.serverlessBaseCapacity,
      serverlessMaxCapacity: args.serverlessMaxCapacity ?? DEFAULTS.serverlessMaxCapacity,
      hasSubnetGroup: args.subnetGroupName !== undefined,
      subnetCount: args.subnetIds?.length ?? 0,
    };
    const problems = validateWarehouse(settings);
    if (problems.length)
      throw new pulumi.ResourceError(describeProblems(`Warehouse "${name}"`, problems), this);
    this.databaseName = settings.databaseName;
    const retain = !(args.allowDestroyData ?? DEFAULTS.allowDestroyData);
    const logKmsKeyArn = args.logKmsKeyArn ?? args.kmsKeyArn;
    const base = [pulumi.getProject(), pulumi.getStack(), name];

    if (args.lake) {
      const lake = args.lake;
      const identity = aws.getCallerIdentityOutput({}, { parent: this });
      const region = aws.getRegionOutput({}, { parent: this });
      this.lakeRole = new aws.iam.Role(
        `${name}-lake`,
        {
          description: "Redshift COPY from and Spectrum over the lake",
          // No aws:SourceAccount condition: Redshift does not document passing it when it assumes a
          // role for COPY/Spectrum, and a condition it never satisfies would break every load.
          assumeRolePolicy: assumeRolePolicy(
            settings.serverless
              ? ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"]
              : ["redshift.amazonaws.com"],
          ),
        },
        { parent: this },
      );
      new aws.iam.RolePolicy(
        `${name}-lake`,
        {
          role: this.lakeRole.id,
          policy: pulumi
            .all([
              lake.bucketArn,
              lake.curatedBucketArn,
              lake.kmsKeyArn,
              pulumi.all(lake.glueDatabaseNames ?? []),
              region.region,
              identity.accountId,
            ])
            .apply(([bucketArn, curatedBucketArn, kmsKeyArn, dbs, r, accountId]) =>
              JSON.stringify(
                lakeAccessPolicy({
                  bucketArn,
                  curatedBucketArn,
                  prefix: lake.prefix ?? "",
                  kmsKeyArn,
                  glueDatabaseNames: dbs,
                  region: r,
                  accountId,
                }),
              ),
            ),
        },
        { parent: this },
      );
    }
    const iamRoles = this.lakeRole ? [this.lakeRole.arn] : [];
    const logGroups = (kind: "cluster" | "serverless", physical: string) =>
      auditLogGroupNames(kind, physical).map(
        (logGroupName, i) =>
          new aws.cloudwatch.LogGroup(
            `${name}-${AUDIT_LOG_TYPES[i]}`,
            { name: logGroupName, kmsKeyId: logKmsKeyArn, retentionInDays: settings.logRetentionDays },
            { parent: this },
          ),
      );

    if (settings.serverless) {
      const namespaceName = physicalName(base, { maxLength: 64 });
      const groups = logGroups("serverless", namespaceName);
      const namespace = new aws.redshiftserverless.Namespace(
        `${name}-namespace`,
        {
          namespaceName,
          dbName: settings.databaseName,
          adminUsername: settings.adminUsername,
          manageAdminPassword: true,
          adminPasswordSecretKmsKeyId: args.secretsKmsKeyArn,
          kmsKeyId: args.kmsKeyArn,
          iamRoles,
          ...(this.lakeRole ? { defaultIamRoleArn: this.lakeRole.arn } : {}),
          logExports: [...AUDIT_LOG_TYPES],
        },
        { parent: this, dependsOn: groups, retainOnDelete: retain },
      );
      const workgroup = new aws.redshiftserverless.Workgroup(
        `${name}-workgroup`,
        {
          namespaceName: namespace.namespaceName,
          workgroupName: physicalName([...base, "wg"], { maxLength: 64 }),
          baseCapacity: settings.serverlessBaseCapacity,
          maxCapacity: settings.serverlessMaxCapacity,
          publiclyAccessible: false,
          enhancedVpcRouting: true,
          subnetIds: args.subnetIds!,
          securityGroupIds: args.securityGroupIds,
          configParameters: serverlessConfigParameters(),
        },
        { parent: this },
      );
      this.loadTarget = {
        kind: "serverless",
        name: workgroup.workgroupName,
        arn: workgroup.arn,
        database: settings.databaseName,
      };
      this.adminSecretArn = namespace.adminPasswordSecretArn;
      this.endpoint = workgroup.endpoints.apply((e) => (e?.[0] ? `${e[0].address}:${e[0].port}` : ""));
      this.keyMetrics = redshiftServerlessMetrics(workgroup.workgroupName, settings.databaseName);
      this.applySql(name, args, settings, { workgroupName: workgroup.workgroupName }, [workgroup]);
      this.registerOutputs({
        namespaceName: namespace.namespaceName,
        workgroupName: workgroup.workgroupName,
        workgroupArn: workgroup.arn,
        adminSecretArn: this.adminSecretArn,
        lakeRoleArn: this.lakeRole?.arn,
      });
      return;
    }

    const clusterIdentifier = physicalName(base, { maxLength: 63 });
    const parameterGroup = new aws.redshift.ParameterGroup(
      `${name}-params`,
      {
        family: args.parameterGroupFamily ?? DEFAULTS.parameterGroupFamily,
        description: "TLS-only connections, user activity logging",
        parameters: redshiftParameters(),
      },
      { parent: this },
    );
    const cluster = new aws.redshift.Cluster(
      `${name}-cluster`,
      {
        clusterIdentifier,
        nodeType: settings.nodeType,
        clusterType: settings.nodeCount > 1 ? "multi-node" : "single-node",
        numberOfNodes: settings.nodeCount,
        multiAz: settings.multiAz,
        ...(settings.multiAz
          ? {}
          : { availabilityZoneRelocationEnabled: settings.nodeType.startsWith("ra3.") }),
        databaseName: settings.databaseName,
        masterUsername: settings.adminUsername,
        manageMasterPassword: true,
        masterPasswordSecretKmsKeyId: args.secretsKmsKeyArn,
        encrypted: "true",
        kmsKeyId: args.kmsKeyArn,
        publiclyAccessible: false,
        enhancedVpcRouting: true,
        clusterSubnetGroupName: args.subnetGroupName,
        vpcSecurityGroupIds: args.securityGroupIds,
        clusterParameterGroupName: parameterGroup.name,
        automatedSnapshotRetentionPeriod: settings.snapshotRetentionDays,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: `${clusterIdentifier}-final`,
        allowVersionUpgrade: true,
        iamRoles,
        ...(this.lakeRole ? { defaultIamRoleArn: this.lakeRole.arn } : {}),
        ...(args.restoreFromSnapshot
          ? {
              snapshotIdentifier: args.restoreFromSnapshot.snapshotIdentifier,
              snapshotClusterIdentifier: args.restoreFromSnapshot.sourceClusterIdentifier,
            }
          : {}),
      },
      { parent: this, retainOnDelete: retain },
    );
    const groups = logGroups("cluster", clusterIdentifier);
    new aws.redshift.Logging(
      `${name}-audit`,
      {
        clusterIdentifier: cluster.clusterIdentifier,
        logDestinationType: "cloudwatch",
        logExports: [...AUDIT_LOG_TYPES],
      },
      { parent: this, dependsOn: groups },
    );
    this.loadTarget = {
      kind: "cluster",
      name: cluster.clusterIdentifier,
      arn: cluster.arn,
      database: settings.databaseName,
      dbUser: settings.loadUser,
    };
    this.adminSecretArn = cluster.masterPasswordSecretArn;
    this.endpoint = cluster.endpoint;
    this.keyMetrics = redshiftClusterMetrics(cluster.clusterIdentifier);
    this.applySql(name, args, settings, { clusterIdentifier: cluster.clusterIdentifier }, [cluster]);
    if (args.drSnapshotCopy) {
      const dr = args.drSnapshotCopy;
      const grant = new aws.redshift.SnapshotCopyGrant(
        `${name}-dr-copy-grant`,
        { snapshotCopyGrantName: `${clusterIdentifier}-dr`, kmsKeyId: dr.kmsKeyArn },
        { parent: this, provider: dr.provider },
      );
      new aws.redshift.SnapshotCopy(
        `${name}-dr-copy`,
        {
          clusterIdentifier: cluster.clusterIdentifier,
          destinationRegion: aws.getRegionOutput({}, { parent: this, provider: dr.provider }).region,
          snapshotCopyGrantName: grant.snapshotCopyGrantName,
          retentionPeriod: dr.retentionDays,
        },
        { parent: this },
      );
    }
    this.registerOutputs({
      clusterIdentifier: cluster.clusterIdentifier,
      clusterArn: cluster.arn,
      adminSecretArn: this.adminSecretArn,
      lakeRoleArn: this.lakeRole?.arn,
    });
  }

  /** The platform DDL, statement by statement, as the admin user. */
  private applySql(
    name: string,
    args: WarehouseArgs,
    settings: WarehouseSettings,
    target: { clusterIdentifier: pulumi.Input<string> } | { workgroupName: pulumi.Input<string> },
    after: pulumi.Resource[],
  ): void {
    if (!args.lake || !this.lakeRole || args.applyPlatformSql === false) return;
    const lake = args.lake;
    const rendered = pulumi
      .all([
        this.lakeRole.arn,
        lake.bucketArn,
        lake.curatedBucketArn,
        pulumi.all(lake.glueDatabaseNames ?? []),
      ])
      .apply(([roleArn, bucketArn, curatedBucketArn, dbs]) =>
        renderWarehouseSql({
          load_role: WAREHOUSE_LOAD_ROLE,
          load_user: settings.loadUser,
          lake_role_arn: roleArn,
          processed_uri: `s3://${bucketNameOf(bucketArn)}/${lake.prefix ?? ""}`,
          curated_uri: `s3://${bucketNameOf(curatedBucketArn)}/${lake.prefix ?? ""}`,
          glue_database: dbs[0] ?? "",
        }),
      );
    // The statements are known before deployment (only the role ARN, bucket and database vary), so
    // the resources can be declared from the template; their text comes from the rendered script.
    const all = splitStatements(fs.readFileSync(PLATFORM_SQL_FILE, "utf8"));
    // A restored cluster already has the users and roles: run only what may run again.
    const keep = (sql: string) => !args.restoreFromSnapshot || isReplayable(sql);
    const template = all.map((t, i) => ({ ...t, i })).filter((t) => keep(t.sql));
    let previous: pulumi.Resource[] = after;
    template.forEach((t) => {
      const i = t.i;
      const statement = new aws.redshiftdata.Statement(
        `${name}-sql-${t.key}`,
        {
          ...target,
          database: settings.databaseName,
          // A cluster: temporary credentials of the admin user (GetClusterCredentials), so the deployer
          // needs no decrypt right on the secrets key. Serverless: the admin secret.
          ...("clusterIdentifier" in target
            ? { dbUser: settings.adminUsername }
            : { secretArn: this.adminSecretArn }),
          sql: rendered.apply((sql) => splitStatements(sql)[i].sql),
          statementName: `${name}-platform-sql-${i + 1}`,
        },
        { parent: this, dependsOn: previous },
      );
      previous = [statement];
    });
  }
}
