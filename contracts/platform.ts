import { z } from "zod";
import { AlarmsSchema } from "../config/observability";
import { ENVIRONMENTS, StreamingSchema } from "../config/schema";
import { LakeOutputsSchema } from "../components/lake/outputs";

/** Bumped when an output is removed or changes meaning; consumers refuse a contract they do not know. */
export const PLATFORM_CONTRACT_VERSION = 1;

/** Name of the platform project; the StackReference convention is `<org>/data-platform/<stack>`. */
export const PLATFORM_PROJECT = "data-platform";

/** Data classes that each get their own KMS key (the reference architecture's "KMS per data class"). */
export const DATA_CLASSES = ["lake", "streaming", "warehouse", "ml", "logs", "secrets"] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

/** Subnet tiers of the platform VPC. */
export const SUBNET_TIERS = ["public", "private", "database"] as const;
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/** Security groups the platform creates, by role (reference architecture names). */
export const SECURITY_GROUP_ROLES = [
  "emrMaster",
  "emrWorker",
  "emrServiceAccess",
  "redshift",
  "lambda",
  "redis",
  "vpcEndpoints",
  "airflow",
] as const;
export type SecurityGroupRole = (typeof SECURITY_GROUP_ROLES)[number];

const id = z.string().min(1);
const arn = z.string().startsWith("arn:");
const byKey = <K extends readonly [string, ...string[]], V extends z.ZodType>(keys: K, value: V) =>
  z.object(Object.fromEntries(keys.map((k) => [k, value])) as { [P in K[number]]: V });

/**
 * The platform stack's outputs: what every domain stack may rely on. Declared once; the root
 * program's exports are typed against it and domain stacks validate what they read with it.
 */
export const PlatformOutputsSchema = z.object({
  contractVersion: z.literal(PLATFORM_CONTRACT_VERSION),
  environment: z.enum(ENVIRONMENTS),
  region: z.string().min(1),
  drRegion: z.string().min(1),
  /** Tags every resource of the environment carries (provider default tags, without Domain). */
  tags: z.record(z.string(), z.string()),
  /**
   * The AWS account of the environment (absent on `local`): every provider of the platform and of
   * the domains carries it as `allowedAccountIds`, so a stack never deploys into another account.
   */
  accountId: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  /**
   * The platform's settings domains apply (`data-platform:streaming`, `batch`, `alarms`,
   * `lake.allowDestroyData`): domains take them from here, never from per-environment defaults, so a
   * platform config change reaches them and any stack name works.
   */
  settings: z.object({
    streaming: StreamingSchema,
    batch: z.object({ glueMaxDpu: z.number().int().positive(), emrMaxNodes: z.number().int().positive() }),
    alarms: AlarmsSchema,
    lake: z.object({ allowDestroyData: z.boolean() }),
  }),
  /** Log retention in days for log groups domains create. */
  logRetentionDays: z.number().int().positive(),
  /** IAM role Pulumi Deployments assumes by OIDC for this environment (absent on `local`). */
  deployRoleArn: z.string().startsWith("arn:").optional(),
  /** Role GitHub pull-request previews assume by OIDC (repository variable `AWS_PREVIEW_ROLE_ARN_<ENV>`). */
  githubPreviewRoleArn: z.string().startsWith("arn:").optional(),
  /** Role GitHub deploy jobs assume by OIDC (repository variable `AWS_DEPLOY_ROLE_ARN_<ENV>`). */
  githubDeployRoleArn: z.string().startsWith("arn:").optional(),
  /** The lake: zone buckets, lake key, Glue security configuration, zone databases, Athena workgroup. */
  lake: LakeOutputsSchema,
  /** SNS topic every alarm of the environment notifies. */
  alarmTopicArn: arn,
  /** Spark compute of the batch layer, when the batch feature is on. */
  batch: z
    .object({
      kind: z.enum(["emr", "emr-serverless"]),
      /** Cluster id (`j-...`) or application id. */
      id,
      /** Cluster or application ARN (what a workflow may submit to). */
      arn,
      /** Role Spark jobs run as (EMR Serverless execution role, or the cluster's instance role). */
      jobRoleArn: arn,
      /** `s3://` prefix of the artifacts bucket the job role may read scripts from. */
      scriptsUri: z.string().regex(/^s3:\/\/[^/]+\/.+\/$/),
    })
    .optional(),
  /** The warehouse, when the warehouse feature is on. */
  warehouse: z
    .object({
      kind: z.enum(["cluster", "serverless"]),
      name: id,
      arn,
      database: id,
      dbUser: id.optional(),
      endpoint: z.string().min(1),
      adminSecretArn: arn,
    })
    .optional(),
  /** The serving cache (ElastiCache Redis, TLS + AUTH), when `cache.enabled`. */
  cache: z
    .object({
      endpoint: z.string().min(1),
      port: z.number().int(),
      authTokenSecretArn: arn,
      securityGroupId: id,
    })
    .optional(),
  /** The AWS Backup plan domains add their serving tables to, when `backup.enabled`. */
  backup: z.object({ planId: id, roleArn: arn }).optional(),

  /** The VPC every workload runs in. */
  vpcId: id,
  vpcCidr: z.string().min(1),
  /** Availability zones of the subnets, in subnet order. */
  availabilityZones: z.array(id).min(1),
  /** Subnet ids per tier, one per availability zone in `availabilityZones` order. */
  subnetIds: byKey(SUBNET_TIERS, z.array(id).min(1)),
  /** Security group ids by role: attach workloads to these rather than creating open groups. */
  securityGroupIds: byKey(SECURITY_GROUP_ROLES, id),
  /** Subnet groups over the database tier. */
  subnetGroupNames: z.object({ redshift: id, elasticache: id, rds: id }),
  /** Customer-managed KMS key ARNs per data class (primary region). */
  kmsKeyArns: byKey(DATA_CLASSES, arn),
  /** Replicas of the keys in the DR region; present when the keys are multi-region (prod). */
  kmsReplicaKeyArns: byKey(DATA_CLASSES, arn).optional(),
  /** Log groups the platform writes to. `cloudTrail` is absent when the trail is switched off. */
  logGroupNames: z.object({ vpcFlowLogs: id, cloudTrail: id.optional() }),
  /** Audit buckets; absent when CloudTrail / AWS Config are switched off. */
  bucketNames: z.object({ cloudTrail: id.optional(), awsConfig: id.optional() }),
  /** Lake Formation tag keys domains attach to their databases and tables, with their allowed values. */
  lakeFormationTags: z.object({
    domain: z.object({ key: id, values: z.array(id).min(1) }),
    classification: z.object({ key: id, values: z.array(id).min(1) }),
  }),
});

export type PlatformOutputs = z.infer<typeof PlatformOutputsSchema>;
