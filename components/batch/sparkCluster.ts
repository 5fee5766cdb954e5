import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { emrClusterMetrics, emrServerlessMetrics, type KeyMetrics } from "../observability/metrics";
import { LIMITS } from "../../config/limits";
import { type ArgProblem, describeProblems } from "./args";
import { assumeRolePolicy, parseS3Uri, partitionOf, policyDocument, type PolicyDocument } from "./iam";
import {
  EMR_SERVICE_POLICY_V2,
  KMS_DATA_ACTIONS,
  EMR_SERVERLESS_SUBMIT_ACTIONS,
  EMR_STEP_ACTIONS,
  KMS_GRANT_ACTIONS,
  PASS_ROLE_ACTIONS,
  S3_LIST_ACTIONS,
  S3_READ_OBJECT_ACTIONS,
  S3_WRITE_OBJECT_ACTIONS,
} from "./perms";

/** Managed scaling bounds of a cluster, in nodes (every instance type has weighted capacity 1). */
export interface SparkScaling {
  /** Nodes (core + task) the cluster never scales below. Default 3. */
  readonly minNodes?: number;
  /** Nodes (core + task) the cluster never scales above; at most `LIMITS.emrMaxNodes` (500). Default 10. */
  readonly maxNodes?: number;
  /** On-demand core nodes (HDFS, always on). Default 2. */
  readonly coreNodes?: number;
  /** Largest core (on-demand) fleet managed scaling may grow to; everything above is spot task capacity. Default `coreNodes`. */
  readonly maxCoreNodes?: number;
}

/** Key prefix of the artifacts bucket holding Spark job scripts (the job role may read it). */
export const SPARK_SCRIPTS_PREFIX = "spark/";

export interface SparkClusterArgs {
  /** Private subnets (at least one). EMR picks one for a cluster; EMR Serverless spreads over all. Tag them `for-use-with-amazon-emr-managed-policies=true`. */
  readonly subnetIds: pulumi.Input<string>[];
  /** EMR-managed security group of the primary node (the platform's EMR-Master SG). */
  readonly masterSecurityGroupId: pulumi.Input<string>;
  /** EMR-managed security group of core and task nodes (the platform's EMR-Worker SG); also the EMR Serverless workers' SG. */
  readonly workerSecurityGroupId: pulumi.Input<string>;
  /** Service-access security group: required by EMR for clusters in private subnets (EMR adds the 9443 rules). */
  readonly serviceAccessSecurityGroupId: pulumi.Input<string>;
  /** Where cluster and job logs go, e.g. `s3://<log-bucket>/emr/<name>/`. */
  readonly logUri: pulumi.Input<string>;
  /** KMS key of the lake data EMRFS reads and writes (S3 SSE-KMS in the security configuration). */
  readonly dataKmsKeyArn: pulumi.Input<string>;
  /** KMS key of local disks and EBS volumes (ignored by EMR Serverless, which encrypts its own storage). */
  readonly localDiskKmsKeyArn: pulumi.Input<string>;
  /** KMS key the log bucket encrypts with (the role writes logs with it). Default `dataKmsKeyArn`. */
  readonly logKmsKeyArn?: pulumi.Input<string>;
  /**
   * S3 object (a zip of PEM files: privateKey.pem, certificateChain.pem, trustedCertificates.pem) that
   * EMR installs for in-transit TLS, e.g. `s3://<artifacts>/emr/tls/certs.zip`. Required for the cluster;
   * EMR Serverless encrypts in transit itself and ignores it.
   */
  readonly tlsCertificatesS3Uri?: pulumi.Input<string>;
  /** Prefix the jobs' scripts are read from, e.g. `s3://<artifacts>/jobs/spark/`. Default none (grant it yourself). */
  readonly scriptsS3Uri?: pulumi.Input<string>;
  /** Run on EMR Serverless instead of an EMR cluster (config `batch.emrServerless`). Default false. */
  readonly serverless?: boolean;
  /** EMR release; an emr-7.x label. Default `emr-7.9.0`. */
  readonly releaseLabel?: string;
  /** Managed scaling bounds. Default min 3, max 10, 2 on-demand core nodes. */
  readonly scaling?: SparkScaling;
  /** Primary node instance types (on-demand, one node). Default m6i.xlarge, m5.xlarge. */
  readonly primaryInstanceTypes?: readonly string[];
  /** Core fleet instance types (on-demand). Default m6i.xlarge, m5.xlarge, m5a.xlarge. */
  readonly coreInstanceTypes?: readonly string[];
  /** Task fleet instance types (spot; diversify for capacity). Default m6i.xlarge, m5.xlarge, m5a.xlarge, r6i.xlarge, r5.xlarge. */
  readonly taskInstanceTypes?: readonly string[];
  /** gp3 volume per instance, in GiB. Default 64. */
  readonly ebsVolumeGb?: number;
  /** Minutes to wait for spot capacity before launching on-demand instead. Default 10. */
  readonly spotTimeoutMinutes?: number;
  /**
   * Idle seconds before an EMR Serverless application stops, or before a cluster terminates itself
   * when `autoTerminateWhenIdle` (60-604800). Default 3600.
   */
  readonly idleTimeoutSeconds?: number;
  /**
   * Let the persistent cluster terminate itself after `idleTimeoutSeconds`. Off by default: a cluster
   * that terminates between nightly runs is gone from the stack, so every deploy would recreate it
   * (drift) and the workflow's step would find no cluster. Default false.
   */
  readonly autoTerminateWhenIdle?: boolean;
  /** EMR Serverless maximum capacity. Default 4 vCPU and 16 GB per `scaling.maxNodes`. */
  readonly serverlessMaximumCapacity?: { readonly cpu: string; readonly memory: string };
  /**
   * Manage the account-and-region-wide EMR block public access configuration. It is a singleton: keep it
   * true in exactly one instance per account and region (the platform's) and false in domain instances.
   * Default true.
   */
  readonly manageBlockPublicAccess?: boolean;
}

const DEFAULTS = {
  releaseLabel: "emr-7.9.0",
  scaling: { minNodes: 3, maxNodes: 10, coreNodes: 2 },
  primaryInstanceTypes: ["m6i.xlarge", "m5.xlarge"],
  coreInstanceTypes: ["m6i.xlarge", "m5.xlarge", "m5a.xlarge"],
  taskInstanceTypes: ["m6i.xlarge", "m5.xlarge", "m5a.xlarge", "r6i.xlarge", "r5.xlarge"],
  ebsVolumeGb: 64,
  spotTimeoutMinutes: 10,
  idleTimeoutSeconds: 3600,
  serverless: false,
  manageBlockPublicAccess: true,
} as const;

/** Resolved scaling bounds. */
export type ResolvedScaling = Required<SparkScaling>;

/** Fills scaling defaults and checks the bounds against each other and EMR's per-cluster node limit. */
export function resolveScaling(scaling: SparkScaling = {}): {
  scaling: ResolvedScaling;
  problems: ArgProblem[];
} {
  const coreNodes = scaling.coreNodes ?? DEFAULTS.scaling.coreNodes;
  const resolved: ResolvedScaling = {
    minNodes: scaling.minNodes ?? Math.max(DEFAULTS.scaling.minNodes, coreNodes),
    maxNodes: scaling.maxNodes ?? DEFAULTS.scaling.maxNodes,
    coreNodes,
    maxCoreNodes: scaling.maxCoreNodes ?? coreNodes,
  };
  const problems: ArgProblem[] = [];
  const int = (field: keyof ResolvedScaling, min: number, max: number, allowed: string) => {
    const v = resolved[field];
    if (!Number.isInteger(v) || v < min || v > max)
      problems.push({ field: `scaling.${field}`, value: v, allowed });
  };
  int(
    "maxNodes",
    1,
    LIMITS.emrMaxNodes,
    `an integer from 1 to ${LIMITS.emrMaxNodes} (EMR nodes per cluster)`,
  );
  int(
    "coreNodes",
    1,
    LIMITS.emrMaxNodes,
    `an integer from 1 to ${LIMITS.emrMaxNodes} (on-demand core nodes)`,
  );
  if (problems.length) return { scaling: resolved, problems };
  int(
    "minNodes",
    resolved.coreNodes,
    resolved.maxNodes,
    `an integer from scaling.coreNodes (${resolved.coreNodes}) to scaling.maxNodes (${resolved.maxNodes})`,
  );
  int(
    "maxCoreNodes",
    resolved.coreNodes,
    resolved.maxNodes,
    `an integer from scaling.coreNodes (${resolved.coreNodes}) to scaling.maxNodes (${resolved.maxNodes})`,
  );
  return { scaling: resolved, problems };
}

/** Checks the non-scaling arguments that can be checked before deployment. */
export function validateSparkArgs(args: {
  releaseLabel: string;
  idleTimeoutSeconds: number;
  spotTimeoutMinutes: number;
  ebsVolumeGb: number;
  subnetCount: number;
  serverless: boolean;
  hasTlsCertificates: boolean;
}): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (!/^emr-7\.\d+\.\d+$/.test(args.releaseLabel))
    problems.push({
      field: "releaseLabel",
      value: args.releaseLabel,
      allowed: "a supported emr-7.x release label such as emr-7.9.0",
    });
  if (
    !Number.isInteger(args.idleTimeoutSeconds) ||
    args.idleTimeoutSeconds < 60 ||
    args.idleTimeoutSeconds > 604_800
  )
    problems.push({
      field: "idleTimeoutSeconds",
      value: args.idleTimeoutSeconds,
      allowed: "an integer from 60 to 604800 (seconds)",
    });
  if (
    !Number.isInteger(args.spotTimeoutMinutes) ||
    args.spotTimeoutMinutes < 5 ||
    args.spotTimeoutMinutes > 1440
  )
    problems.push({
      field: "spotTimeoutMinutes",
      value: args.spotTimeoutMinutes,
      allowed: "an integer from 5 to 1440 (minutes)",
    });
  if (!Number.isInteger(args.ebsVolumeGb) || args.ebsVolumeGb < 32 || args.ebsVolumeGb > 16_384)
    problems.push({
      field: "ebsVolumeGb",
      value: args.ebsVolumeGb,
      allowed: "an integer from 32 to 16384 (GiB)",
    });
  if (args.subnetCount < 1)
    problems.push({ field: "subnetIds", value: [], allowed: "at least one private subnet" });
  if (!args.serverless && !args.hasTlsCertificates)
    problems.push({
      field: "tlsCertificatesS3Uri",
      value: undefined,
      allowed:
        "the S3 object of the PEM certificate zip for in-transit encryption (required unless serverless)",
    });
  return problems;
}

/**
 * The EMR security configuration: at rest, EMRFS objects use SSE-KMS with the data key and local disks
 * (including EBS root and attached volumes) use the local-disk key; in transit, TLS with PEM
 * certificates from S3; IMDSv2 only on every node.
 */
export function emrSecurityConfiguration(args: {
  dataKmsKeyArn: string;
  localDiskKmsKeyArn: string;
  tlsCertificatesS3Uri: string;
}): Record<string, unknown> {
  return {
    EncryptionConfiguration: {
      EnableAtRestEncryption: true,
      EnableInTransitEncryption: true,
      AtRestEncryptionConfiguration: {
        S3EncryptionConfiguration: { EncryptionMode: "SSE-KMS", AwsKmsKey: args.dataKmsKeyArn },
        LocalDiskEncryptionConfiguration: {
          EncryptionKeyProviderType: "AwsKms",
          AwsKmsKey: args.localDiskKmsKeyArn,
          EnableEbsEncryption: true,
        },
      },
      InTransitEncryptionConfiguration: {
        TLSCertificateConfiguration: { CertificateProviderType: "PEM", S3Object: args.tlsCertificatesS3Uri },
      },
    },
    InstanceMetadataServiceConfiguration: {
      MinimumInstanceMetadataServiceVersion: 2,
      HttpPutResponseHopLimit: 1,
    },
  };
}

/**
 * What the cluster's instances (or EMR Serverless jobs) may do by themselves: write logs under the log
 * prefix, read the TLS bundle and the scripts prefix, use the data, disk and log keys. Lake data access
 * is granted on top by the lake's `grantRead`/`grantWrite` on `jobRole`.
 */
export function sparkJobPolicy(args: {
  logUri: string;
  dataKmsKeyArn: string;
  localDiskKmsKeyArn?: string;
  logKmsKeyArn: string;
  tlsCertificatesS3Uri?: string;
  scriptsS3Uri?: string;
}): PolicyDocument {
  const partition = partitionOf(args.dataKmsKeyArn);
  const s3 = (bucket: string, key = "") => `arn:${partition}:s3:::${bucket}${key ? `/${key}` : ""}`;
  const logs = parseS3Uri(args.logUri, "logUri");
  const cert = args.tlsCertificatesS3Uri
    ? parseS3Uri(args.tlsCertificatesS3Uri, "tlsCertificatesS3Uri")
    : undefined;
  const scripts = args.scriptsS3Uri ? parseS3Uri(args.scriptsS3Uri, "scriptsS3Uri") : undefined;
  const keys = [
    ...new Set([
      args.dataKmsKeyArn,
      args.logKmsKeyArn,
      ...(args.localDiskKmsKeyArn ? [args.localDiskKmsKeyArn] : []),
    ]),
  ];
  return policyDocument([
    {
      Sid: "WriteLogs",
      Effect: "Allow",
      Action: [...S3_WRITE_OBJECT_ACTIONS],
      Resource: s3(logs.bucket, `${logs.key}*`),
    },
    {
      Sid: "ListLogPrefix",
      Effect: "Allow",
      Action: [...S3_LIST_ACTIONS],
      Resource: s3(logs.bucket),
      Condition: { StringLike: { "s3:prefix": [`${logs.key}*`] } },
    },
    cert && {
      Sid: "ReadTlsCertificates",
      Effect: "Allow",
      Action: [...S3_READ_OBJECT_ACTIONS],
      Resource: s3(cert.bucket, cert.key),
    },
    scripts && {
      Sid: "ReadScripts",
      Effect: "Allow",
      Action: [...S3_READ_OBJECT_ACTIONS],
      Resource: s3(scripts.bucket, `${scripts.key}*`),
    },
    scripts && {
      Sid: "ListScripts",
      Effect: "Allow",
      Action: [...S3_LIST_ACTIONS],
      Resource: s3(scripts.bucket),
      Condition: { StringLike: { "s3:prefix": [`${scripts.key}*`] } },
    },
    { Sid: "UseKeys", Effect: "Allow", Action: [...KMS_DATA_ACTIONS], Resource: keys },
  ]);
}

/**
 * What the EMR service role needs besides `AmazonEMRServicePolicy_v2`: pass this cluster's instance
 * role to EC2 only, and use the local-disk key for the EBS volumes it attaches (grants only for AWS
 * resources).
 */
export function emrServiceExtraPolicy(args: {
  instanceRoleArn: string;
  localDiskKmsKeyArn: string;
}): PolicyDocument {
  return policyDocument([
    {
      Sid: "PassInstanceRole",
      Effect: "Allow",
      Action: [...PASS_ROLE_ACTIONS],
      Resource: args.instanceRoleArn,
      Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    },
    {
      Sid: "UseLocalDiskKey",
      Effect: "Allow",
      Action: [...KMS_DATA_ACTIONS],
      Resource: args.localDiskKmsKeyArn,
    },
    {
      Sid: "GrantLocalDiskKeyToEbs",
      Effect: "Allow",
      Action: [...KMS_GRANT_ACTIONS],
      Resource: args.localDiskKmsKeyArn,
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
  ]);
}

/**
 * What a submitter (an orchestrator's role) needs to run Spark jobs here and nothing more: steps on
 * this cluster, or job runs on this application with the job role passed to EMR Serverless only.
 */
export function sparkSubmitPolicy(
  target:
    | { kind: "cluster"; clusterArn: string }
    | { kind: "serverless"; applicationArn: string; jobRoleArn: string },
): PolicyDocument {
  if (target.kind === "cluster")
    return policyDocument([
      { Sid: "SubmitSteps", Effect: "Allow", Action: [...EMR_STEP_ACTIONS], Resource: target.clusterArn },
    ]);
  return policyDocument([
    {
      Sid: "SubmitJobRuns",
      Effect: "Allow",
      Action: [...EMR_SERVERLESS_SUBMIT_ACTIONS],
      Resource: [target.applicationArn, `${target.applicationArn}/jobruns/*`],
    },
    {
      Sid: "PassJobRole",
      Effect: "Allow",
      Action: [...PASS_ROLE_ACTIONS],
      Resource: target.jobRoleArn,
      Condition: { StringEquals: { "iam:PassedToService": "emr-serverless.amazonaws.com" } },
    },
  ]);
}

/** Instance type configs of a fleet: weighted capacity 1 so capacity units are nodes. */
export function fleetInstanceTypes(types: readonly string[], ebsVolumeGb: number) {
  return types.map((instanceType) => ({
    instanceType,
    weightedCapacity: 1,
    ebsConfigs: [{ size: ebsVolumeGb, type: "gp3", volumesPerInstance: 1 }],
  }));
}

/** Spot task fleet launch specification: capacity-optimized, on-demand when spot does not come in time. */
export function spotLaunchSpecification(timeoutMinutes: number) {
  return {
    spotSpecifications: [
      {
        allocationStrategy: "capacity-optimized",
        timeoutAction: "SWITCH_TO_ON_DEMAND",
        timeoutDurationMinutes: timeoutMinutes,
      },
    ],
  };
}

/**
 * Spark for the batch layer: an EMR cluster in private subnets (on-demand primary and core fleets,
 * spot task fleet, managed scaling, auto-termination, security configuration with at-rest and
 * in-transit encryption, logs to S3) or an EMR Serverless application in the same subnets. `jobRole` is
 * the identity jobs run as: grant lake access to it.
 *
 * @example
 * const spark = new SparkCluster("spark", { subnetIds, masterSecurityGroupId, workerSecurityGroupId,
 *   serviceAccessSecurityGroupId, logUri, dataKmsKeyArn, localDiskKmsKeyArn, tlsCertificatesS3Uri }, { provider });
 * lake.processed.grantWrite("spark", spark.jobRole);
 */
export class SparkCluster extends pulumi.ComponentResource {
  /** The role Spark jobs run as (EC2 instance role, or EMR Serverless job runtime role). */
  readonly jobRole: aws.iam.Role;
  /** EMR service role (cluster mode only). */
  readonly serviceRole?: aws.iam.Role;
  /** EMR cluster id (cluster mode only). */
  readonly clusterId?: pulumi.Output<string>;
  /** EMR cluster ARN (cluster mode only). */
  readonly clusterArn?: pulumi.Output<string>;
  /** Security configuration name (cluster mode only). */
  readonly securityConfigurationName?: pulumi.Output<string>;
  /** EMR Serverless application id (serverless mode only). */
  readonly applicationId?: pulumi.Output<string>;
  /** EMR Serverless application ARN (serverless mode only). */
  readonly applicationArn?: pulumi.Output<string>;
  /** Resolved managed scaling bounds. */
  readonly scaling: ResolvedScaling;
  /** Job outcomes (serverless) or failed apps, HDFS and unhealthy nodes (cluster), for dashboards and alarms. */
  readonly keyMetrics: KeyMetrics;
  private readonly baseName: string;
  private readonly serverless: boolean;

  /**
   * Lets `role` submit Spark work here (EMR steps on the cluster, or job runs on the application with
   * `jobRole` passed to EMR Serverless only), e.g. the MWAA execution role or a pipeline's role.
   */
  grantSubmit(grantee: string, role: aws.iam.Role): aws.iam.RolePolicy {
    const policy = this.serverless
      ? pulumi
          .all([this.applicationArn!, this.jobRole.arn])
          .apply(([applicationArn, jobRoleArn]) =>
            JSON.stringify(sparkSubmitPolicy({ kind: "serverless", applicationArn, jobRoleArn })),
          )
      : this.clusterArn!.apply((clusterArn) =>
          JSON.stringify(sparkSubmitPolicy({ kind: "cluster", clusterArn })),
        );
    return new aws.iam.RolePolicy(
      `${this.baseName}-submit-${grantee}`,
      { role: role.id, policy },
      { parent: this },
    );
  }

  constructor(name: string, args: SparkClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:batch:SparkCluster", name, {}, opts);
    const serverless = args.serverless ?? DEFAULTS.serverless;
    this.baseName = name;
    this.serverless = serverless;
    const releaseLabel = args.releaseLabel ?? DEFAULTS.releaseLabel;
    const idleTimeoutSeconds = args.idleTimeoutSeconds ?? DEFAULTS.idleTimeoutSeconds;
    const spotTimeoutMinutes = args.spotTimeoutMinutes ?? DEFAULTS.spotTimeoutMinutes;
    const ebsVolumeGb = args.ebsVolumeGb ?? DEFAULTS.ebsVolumeGb;
    const manageBlockPublicAccess = args.manageBlockPublicAccess ?? DEFAULTS.manageBlockPublicAccess;
    const { scaling, problems } = resolveScaling(args.scaling);
    problems.push(
      ...validateSparkArgs({
        releaseLabel,
        idleTimeoutSeconds,
        spotTimeoutMinutes,
        ebsVolumeGb,
        subnetCount: args.subnetIds.length,
        serverless,
        hasTlsCertificates: args.tlsCertificatesS3Uri !== undefined,
      }),
    );
    if (problems.length)
      throw new pulumi.ResourceError(describeProblems(`SparkCluster "${name}"`, problems), this);
    this.scaling = scaling;

    const logKmsKeyArn = args.logKmsKeyArn ?? args.dataKmsKeyArn;
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    this.jobRole = new aws.iam.Role(
      `${name}-${serverless ? "job" : "instance"}`,
      {
        description: serverless ? "EMR Serverless job runtime role" : "EMR cluster EC2 instance role",
        assumeRolePolicy: account.apply((a) =>
          assumeRolePolicy(
            [serverless ? "emr-serverless.amazonaws.com" : "ec2.amazonaws.com"],
            serverless ? a : undefined,
          ),
        ),
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-job`,
      {
        role: this.jobRole.id,
        policy: pulumi
          .all([
            args.logUri,
            args.dataKmsKeyArn,
            args.localDiskKmsKeyArn,
            logKmsKeyArn,
            args.tlsCertificatesS3Uri,
            args.scriptsS3Uri,
          ])
          .apply(([logUri, data, disk, log, tls, scripts]) =>
            JSON.stringify(
              sparkJobPolicy({
                logUri,
                dataKmsKeyArn: data,
                localDiskKmsKeyArn: serverless ? undefined : disk,
                logKmsKeyArn: log,
                tlsCertificatesS3Uri: serverless ? undefined : tls,
                scriptsS3Uri: scripts,
              }),
            ),
          ),
      },
      { parent: this },
    );

    if (manageBlockPublicAccess) {
      new aws.emr.BlockPublicAccessConfiguration(
        `${name}-block-public-access`,
        { blockPublicSecurityGroupRules: true, permittedPublicSecurityGroupRuleRanges: [] },
        { parent: this },
      );
    }

    if (serverless) {
      const capacity = args.serverlessMaximumCapacity ?? {
        cpu: `${scaling.maxNodes * 4} vCPU`,
        memory: `${scaling.maxNodes * 16} GB`,
      };
      const app = new aws.emrserverless.Application(
        `${name}-app`,
        {
          type: "spark",
          releaseLabel,
          architecture: "X86_64",
          maximumCapacity: capacity,
          autoStartConfiguration: { enabled: true },
          autoStopConfiguration: {
            enabled: true,
            idleTimeoutMinutes: Math.max(1, Math.round(idleTimeoutSeconds / 60)),
          },
          networkConfiguration: { subnetIds: args.subnetIds, securityGroupIds: [args.workerSecurityGroupId] },
          monitoringConfiguration: {
            s3MonitoringConfiguration: { logUri: args.logUri, encryptionKeyArn: logKmsKeyArn },
            managedPersistenceMonitoringConfiguration: { enabled: true, encryptionKeyArn: logKmsKeyArn },
          },
        },
        { parent: this },
      );
      this.applicationId = app.id;
      this.applicationArn = app.arn;
      this.keyMetrics = emrServerlessMetrics(app.id);
      this.registerOutputs({ jobRoleArn: this.jobRole.arn, applicationId: app.id, applicationArn: app.arn });
      return;
    }

    const profile = new aws.iam.InstanceProfile(
      `${name}-instance`,
      { role: this.jobRole.name },
      { parent: this },
    );
    this.serviceRole = new aws.iam.Role(
      `${name}-service`,
      {
        description: "EMR service role (AmazonEMRServicePolicy_v2 plus this cluster's PassRole and disk key)",
        assumeRolePolicy: account.apply((a) => assumeRolePolicy(["elasticmapreduce.amazonaws.com"], a)),
      },
      { parent: this },
    );
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const managed = new aws.iam.RolePolicyAttachment(
      `${name}-service-v2`,
      {
        role: this.serviceRole.name,
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${EMR_SERVICE_POLICY_V2}`,
      },
      { parent: this },
    );
    const extra = new aws.iam.RolePolicy(
      `${name}-service`,
      {
        role: this.serviceRole.id,
        policy: pulumi
          .all([this.jobRole.arn, args.localDiskKmsKeyArn])
          .apply(([instanceRoleArn, disk]) =>
            JSON.stringify(emrServiceExtraPolicy({ instanceRoleArn, localDiskKmsKeyArn: disk })),
          ),
      },
      { parent: this },
    );

    const securityConfiguration = new aws.emr.SecurityConfiguration(
      `${name}-security`,
      {
        namePrefix: `${name}-`,
        configuration: pulumi
          .all([args.dataKmsKeyArn, args.localDiskKmsKeyArn, args.tlsCertificatesS3Uri!])
          .apply(([data, disk, tls]) =>
            JSON.stringify(
              emrSecurityConfiguration({
                dataKmsKeyArn: data,
                localDiskKmsKeyArn: disk,
                tlsCertificatesS3Uri: tls,
              }),
            ),
          ),
      },
      { parent: this },
    );

    const cluster = new aws.emr.Cluster(
      `${name}-cluster`,
      {
        releaseLabel,
        applications: ["Spark", "Hadoop"],
        serviceRole: this.serviceRole.arn,
        securityConfiguration: securityConfiguration.name,
        logUri: args.logUri,
        logEncryptionKmsKeyId: logKmsKeyArn,
        ...(args.autoTerminateWhenIdle ? { autoTerminationPolicy: { idleTimeout: idleTimeoutSeconds } } : {}),
        keepJobFlowAliveWhenNoSteps: true,
        terminationProtection: false,
        unhealthyNodeReplacement: true,
        scaleDownBehavior: "TERMINATE_AT_TASK_COMPLETION",
        ebsRootVolumeSize: 32,
        ec2Attributes: {
          subnetIds: args.subnetIds,
          instanceProfile: profile.arn,
          emrManagedMasterSecurityGroup: args.masterSecurityGroupId,
          emrManagedSlaveSecurityGroup: args.workerSecurityGroupId,
          serviceAccessSecurityGroup: args.serviceAccessSecurityGroupId,
        },
        masterInstanceFleet: {
          name: "primary",
          targetOnDemandCapacity: 1,
          instanceTypeConfigs: fleetInstanceTypes(
            args.primaryInstanceTypes ?? DEFAULTS.primaryInstanceTypes,
            ebsVolumeGb,
          ),
          launchSpecifications: { onDemandSpecifications: [{ allocationStrategy: "lowest-price" }] },
        },
        coreInstanceFleet: {
          name: "core-on-demand",
          targetOnDemandCapacity: scaling.coreNodes,
          targetSpotCapacity: 0,
          instanceTypeConfigs: fleetInstanceTypes(
            args.coreInstanceTypes ?? DEFAULTS.coreInstanceTypes,
            ebsVolumeGb,
          ),
          launchSpecifications: { onDemandSpecifications: [{ allocationStrategy: "lowest-price" }] },
        },
        configurationsJson: JSON.stringify([
          { Classification: "spark-defaults", Properties: { "spark.dynamicAllocation.enabled": "true" } },
        ]),
      },
      { parent: this, dependsOn: [managed, extra] },
    );

    new aws.emr.InstanceFleet(
      `${name}-task`,
      {
        clusterId: cluster.id,
        name: "task-spot",
        targetOnDemandCapacity: 0,
        targetSpotCapacity: scaling.minNodes - scaling.coreNodes,
        instanceTypeConfigs: fleetInstanceTypes(
          args.taskInstanceTypes ?? DEFAULTS.taskInstanceTypes,
          ebsVolumeGb,
        ),
        launchSpecifications: spotLaunchSpecification(spotTimeoutMinutes),
      },
      { parent: this },
    );

    new aws.emr.ManagedScalingPolicy(
      `${name}-scaling`,
      {
        clusterId: cluster.id,
        computeLimits: [
          {
            unitType: "InstanceFleetUnits",
            minimumCapacityUnits: scaling.minNodes,
            maximumCapacityUnits: scaling.maxNodes,
            maximumCoreCapacityUnits: scaling.maxCoreNodes,
            maximumOndemandCapacityUnits: scaling.maxCoreNodes,
          },
        ],
      },
      { parent: this },
    );

    this.clusterId = cluster.id;
    this.clusterArn = cluster.arn;
    this.keyMetrics = emrClusterMetrics(cluster.id);
    this.securityConfigurationName = securityConfiguration.name;
    this.registerOutputs({
      jobRoleArn: this.jobRole.arn,
      serviceRoleArn: this.serviceRole.arn,
      clusterId: cluster.id,
      clusterArn: cluster.arn,
      securityConfigurationName: securityConfiguration.name,
    });
  }
}
