import { z } from "zod";
import { cidrContains, cidrsOverlap, isNetworkAddress, parseCidr } from "./cidr";
import { domainNames } from "../runtime/schemas/discovery";
import { LIMITS, LOG_RETENTION_DAYS } from "./limits";
import {
  AlarmsSchema,
  BackupSchema,
  CacheSchema,
  CostSchema,
  NotificationsSchema,
  operationsIssues,
} from "./observability";

/** Environments every project has a stack for. `local` runs on the embedded emulators. */
export const ENVIRONMENTS = ["local", "dev", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

const region = z.string().regex(REGION, { error: "an AWS region name such as us-east-1" });

const cidr = z.string().refine((v) => {
  try {
    parseCidr(v);
    return isNetworkAddress(v);
  } catch {
    return false;
  }
}, "an IPv4 CIDR block given by its network address, e.g. 10.0.1.0/24");

const logRetention = z
  .number()
  .int()
  .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
    error: `one of the CloudWatch Logs retention values: ${LOG_RETENTION_DAYS.join(", ")}`,
  });

const intIn = (min: number, max: number, what: string) =>
  z
    .number({ error: `an integer from ${min} to ${max} (${what})` })
    .int({ error: `an integer from ${min} to ${max} (${what})` })
    .min(min, { error: `an integer from ${min} to ${max} (${what})` })
    .max(max, { error: `an integer from ${min} to ${max} (${what})` });

/** A data domain's name as the LF-tag `domain` and project names use it. */
const DOMAIN_NAME = /^[a-z][a-z0-9-]{0,49}$/;

const tagValue = z
  .string({ error: "a non-empty tag value (at most 256 characters)" })
  .min(1, { error: "a non-empty tag value (at most 256 characters)" })
  .max(256, { error: "a non-empty tag value (at most 256 characters)" });

export const NetworkSchema = z.strictObject({
  /** VPC address range. Default `10.0.0.0/16`. */
  vpcCidr: cidr,
  /** Availability zones the subnets span. Default 2; prod needs at least 2. */
  azCount: intIn(1, 6, "availability zones"),
  /** Public tier, one block per AZ (NAT gateways, load balancers). Default 10.0.1.0/24, 10.0.2.0/24, ... */
  publicSubnetCidrs: z.array(cidr),
  /** Private tier, one block per AZ (EMR, Lambda, ECS). Default 10.0.10.0/24, 10.0.11.0/24, ... */
  privateSubnetCidrs: z.array(cidr),
  /** Database tier, one block per AZ (Redshift, RDS, ElastiCache). Default 10.0.20.0/24, 10.0.21.0/24, ... */
  databaseSubnetCidrs: z.array(cidr),
  /** NAT gateways: `perAz` (prod default), `single` shared (dev default) or `none`. */
  natGateways: z.enum(["none", "single", "perAz"], { error: 'one of "none", "single", "perAz"' }),
  /** Interface VPC endpoints (cost money per AZ-hour). Default on in prod, off elsewhere. */
  interfaceEndpoints: z.boolean({ error: "true or false" }),
  /** Public subnets assign public IPs at launch. Default false. */
  mapPublicIpOnLaunch: z.boolean({ error: "true or false" }),
  /** VPC flow log retention in days. Default 30 (dev), 365 (prod). */
  flowLogRetentionDays: logRetention,
});

export const SecuritySchema = z.strictObject({
  /** KMS key deletion window in days (7-30). Default 7 outside prod, 30 in prod. */
  kmsDeletionWindowDays: intIn(7, 30, "days before a scheduled key deletion happens"),
  /** Multi-region KMS keys so the DR region can decrypt replicas. Default true in prod. */
  multiRegionKeys: z.boolean({ error: "true or false" }),
  /** CloudTrail trail for the account. Default true. */
  cloudTrail: z.boolean({ error: "true or false" }),
  /** AWS Config recorder and rules. Default true. */
  awsConfig: z.boolean({ error: "true or false" }),
  /** GuardDuty detector. Default true. */
  guardDuty: z.boolean({ error: "true or false" }),
  /** Security Hub with the Foundational Security Best Practices standard. Default true in prod. */
  securityHub: z.boolean({ error: "true or false" }),
  /** IAM principal ARNs that administer Lake Formation besides the deploying role. Default none. */
  lakeFormationAdmins: z.array(z.string().startsWith("arn:", { error: "an IAM principal ARN" })),
  /**
   * Values of the Lake Formation tag `domain` besides the discovered ones: every domain folder under
   * `stacks/` (`stacks/<name>/schema.ts`) is always a value, appended to these, so a new domain
   * needs no entry here. List other owners of tables (`shared` for platform-owned data, teams
   * without a streaming domain). A list that still names discovered domains keeps working.
   * Default `shared`.
   */
  dataDomains: z
    .array(
      z.string().regex(DOMAIN_NAME, {
        error: "a domain name: lowercase letters, digits and dashes, starting with a letter (at most 50)",
      }),
    )
    .min(1, { error: "at least one domain name" })
    .max(1000, { error: "at most 1000 domain names (Lake Formation tag values)" })
    .refine((xs) => new Set(xs).size === xs.length, { error: "domain names without duplicates" })
    .transform((xs) => [...xs, ...domainNames().filter((d) => !xs.includes(d))]),
  /** Days CloudTrail and AWS Config files stay in S3 (Glacier after 90). Default 365 (dev), 2557 (prod). */
  auditLogRetentionDays: intIn(180, 3653, "days audit logs are kept; they move to Glacier after 90"),
});

export const LakeSchema = z.strictObject({
  /** Replicate critical zones to the DR region. Default true in prod. */
  replication: z.boolean({ error: "true or false" }),
  /** Allow `pulumi destroy` to delete buckets that hold data. Default false: data is kept. */
  allowDestroyData: z.boolean({ error: "true or false" }),
  /** Days after which raw objects move to Standard-IA (min 30). Default 30. */
  rawTransitionToIaDays: intIn(30, 3650, "days before raw data moves to Standard-IA"),
  /** Days after which raw objects move to Glacier. Default 90. */
  rawTransitionToGlacierDays: intIn(1, 3650, "days before raw data moves to Glacier"),
});

export const StreamingSchema = z.strictObject({
  /** Upper bound on shards for any one provisioned stream (a cost guardrail). Default 64. */
  maxShardsPerStream: intIn(1, 10_000, "shards per stream"),
  /** Stream retention in hours (24-8760). Default 24 (dev), 168 (prod). */
  retentionHours: intIn(24, 8_760, "hours a stream keeps records"),
  /** Reserved concurrency for each processor, within the Lambda account limit. Default 10 (dev), 100 (prod). */
  processorReservedConcurrency: intIn(1, LIMITS.lambdaConcurrentExecutions, "concurrent executions"),
  /** Largest provisioned read or write capacity for a serving table. Default 40,000 (DynamoDB's limit). */
  maxTableCapacityUnits: intIn(1, LIMITS.dynamodbMaxCapacityUnits, "capacity units per table"),
  /** Replicate serving tables to the DR region (global tables). Default true in prod. */
  globalTables: z.boolean({ error: "true or false" }),
});

export const BatchSchema = z.strictObject({
  /** EMR managed scaling upper bound. Default 10 (dev), 50 (prod). */
  emrMaxNodes: intIn(1, LIMITS.emrMaxNodes, "nodes per EMR cluster"),
  /** Glue DPUs for one job. Default 2 (dev), 10 (prod). */
  glueMaxDpu: intIn(2, LIMITS.glueMaxDpu, "DPUs per Glue job"),
  /** Run Spark on EMR Serverless instead of a cluster. Default true outside prod. */
  emrServerless: z.boolean({ error: "true or false" }),
  /**
   * S3 object (zip of privateKey.pem, certificateChain.pem, trustedCertificates.pem) for EMR
   * in-transit encryption. Required when Spark runs on an EMR cluster. Default none.
   */
  emrTlsCertificatesS3Uri: z
    .string()
    .regex(/^s3:\/\/[a-z0-9.-]{3,63}\/.+\.zip$/, { error: "an s3://bucket/key.zip URI" })
    .optional(),
  /** Managed Airflow. Default false. */
  mwaa: z.boolean({ error: "true or false" }),
});

export const WarehouseSchema = z.strictObject({
  /** Redshift Serverless instead of a provisioned cluster. Default true outside prod. */
  serverless: z.boolean({ error: "true or false" }),
  /** Provisioned cluster nodes. Default 2. */
  nodeCount: intIn(1, LIMITS.redshiftMaxNodes, "nodes per Redshift cluster"),
  /** Multi-AZ cluster (RA3). Default true in prod. */
  multiAz: z.boolean({ error: "true or false" }),
  /** Automated snapshot retention in days (1-35). Default 1 (dev), 7 (prod). */
  snapshotRetentionDays: intIn(1, 35, "days automated snapshots are kept"),
  /**
   * Create the provisioned cluster from a snapshot of this region instead of empty: the DR stack's
   * warehouse from prod's latest copied snapshot (docs/runbook-dr.md; `cli/dr/restore.ts` prints the
   * setting). Keep it once set: a changed snapshot replaces the cluster. Default none.
   */
  restoreFromSnapshot: z
    .strictObject({
      /** The snapshot (a copy in this region keeps the source cluster's identifier). */
      snapshotIdentifier: z
        .string()
        .regex(/^[A-Za-z0-9:-]{1,255}$/, { error: "a Redshift snapshot identifier" }),
      /** The cluster the snapshot was taken of (prod's warehouse). */
      sourceClusterIdentifier: z
        .string()
        .regex(/^[a-z][a-z0-9-]{0,62}$/, { error: "a Redshift cluster identifier" }),
    })
    .optional(),
});

export const ObservabilitySchema = z.strictObject({
  /** Retention of every log group the platform creates. Default 14 (dev), 365 (prod). */
  logRetentionDays: logRetention,
  /** Address that receives alarm notifications. Default none. */
  alarmEmail: z.email({ error: "an email address" }).optional(),
  /** Monthly budget in USD for the environment; alerts come later (hook). Default none. */
  monthlyBudgetUsd: z.number().positive({ error: "a positive amount in USD" }).optional(),
});

export const FeaturesSchema = z.strictObject({
  /** Batch layer (Glue, EMR, Athena, Step Functions). Default true. */
  batch: z.boolean({ error: "true or false" }),
  /** Redshift warehouse. Default true. */
  warehouse: z.boolean({ error: "true or false" }),
});

/** Account- and region-wide resources a platform stack may create: at most one stack per account owns each. */
export const SINGLETONS = {
  guardDutyDetector: { what: "GuardDuty detector", scope: "region" },
  configRecorder: { what: "AWS Config recorder, delivery channel and rules", scope: "region" },
  pulumiOidcProvider: { what: "IAM OIDC provider for api.pulumi.com/oidc", scope: "account" },
  githubOidcProvider: {
    what: "IAM OIDC provider for token.actions.githubusercontent.com (GitHub Actions)",
    scope: "account",
  },
  lakeFormationSettings: { what: "Lake Formation data lake settings and LF-tags", scope: "region" },
  emrBlockPublicAccess: { what: "EMR block public access configuration", scope: "region" },
} as const;
export type Singleton = keyof typeof SINGLETONS;

const ownership = z.enum(["create", "existing"], {
  error: '"create" (this stack owns it) or "existing" (another stack or the account owner created it)',
});

/**
 * Who owns each singleton: `create` (this stack creates it; the default) or `existing` (adopt the
 * one another stack of the same account created). Two stacks of one account both on `create` collide;
 * the fresh-account check (`npm run plan -- --check`) refuses that.
 */
export const SingletonsSchema = z.strictObject(
  Object.fromEntries(Object.keys(SINGLETONS).map((k) => [k, ownership])) as Record<
    Singleton,
    typeof ownership
  >,
);

const PlatformConfigObject = z.strictObject({
  /** `local`, `dev` or `prod`; selects the defaults below. Default: the stack name. */
  environment: z.enum(ENVIRONMENTS, { error: `one of ${ENVIRONMENTS.join(", ")}` }),
  /**
   * The 12-digit AWS account this environment deploys into. Every AWS provider of the platform and of
   * the domains gets it as `allowedAccountIds`, so credentials for another account fail at once.
   * Required outside `local`.
   */
  accountId: z
    .string({ error: "a 12-digit AWS account id" })
    .regex(/^\d{12}$/, { error: "a 12-digit AWS account id" })
    .optional(),
  /** Ownership of the account-wide singletons. Default: this stack creates each (`create`). */
  singletons: SingletonsSchema,
  /** Primary region. Default us-east-1. */
  region,
  /** Disaster-recovery region; must differ from `region`. Default us-west-2. */
  drRegion: region,
  /** Owner tag: the team or address answerable for the platform. Required. */
  owner: tagValue,
  /** CostCenter tag. Required. */
  costCenter: tagValue,
  /** Extra tags on every resource. Default none. */
  tags: z.record(z.string(), tagValue),
  network: NetworkSchema,
  security: SecuritySchema,
  lake: LakeSchema,
  streaming: StreamingSchema,
  batch: BatchSchema,
  warehouse: WarehouseSchema,
  observability: ObservabilitySchema,
  features: FeaturesSchema,
  // Operations (issue #11): config/observability.ts.
  alarms: AlarmsSchema,
  notifications: NotificationsSchema,
  backup: BackupSchema,
  cache: CacheSchema,
  cost: CostSchema,
});

/** Cross-field rules: CIDR layout, region pair, production minimums. */
export const PlatformConfigSchema = PlatformConfigObject.superRefine((c, ctx) => {
  if (c.drRegion === c.region) {
    ctx.addIssue({ code: "custom", path: ["drRegion"], message: `a region other than region (${c.region})` });
  }
  const tiers = ["publicSubnetCidrs", "privateSubnetCidrs", "databaseSubnetCidrs"] as const;
  const all: { path: (string | number)[]; cidr: string }[] = [];
  for (const tier of tiers) {
    const blocks = c.network[tier];
    const azCountValid =
      Number.isInteger(c.network.azCount) && c.network.azCount >= 1 && c.network.azCount <= 6;
    if (azCountValid && blocks.length !== c.network.azCount) {
      ctx.addIssue({
        code: "custom",
        path: ["network", tier],
        message: `exactly one CIDR block per availability zone (network.azCount = ${c.network.azCount})`,
      });
    }
    blocks.forEach((block, i) => {
      if (!cidrContains(c.network.vpcCidr, block)) {
        ctx.addIssue({
          code: "custom",
          path: ["network", tier, i],
          message: `a block inside the VPC range ${c.network.vpcCidr}`,
        });
      }
      all.push({ path: ["network", tier, i], cidr: block });
    });
  }
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      if (cidrsOverlap(all[i].cidr, all[j].cidr)) {
        ctx.addIssue({
          code: "custom",
          path: all[j].path,
          message: `a block that does not overlap network.${String(all[i].path[1])}[${String(all[i].path[2])}] (${all[i].cidr})`,
        });
      }
    }
  }
  if (c.features.batch && !c.batch.emrServerless && !c.batch.emrTlsCertificatesS3Uri) {
    ctx.addIssue({
      code: "custom",
      path: ["batch", "emrTlsCertificatesS3Uri"],
      message: "an EMR cluster encrypts in transit with your certificate zip (or set batch.emrServerless)",
    });
  }
  if (c.warehouse.restoreFromSnapshot && c.warehouse.serverless) {
    ctx.addIssue({
      code: "custom",
      path: ["warehouse", "restoreFromSnapshot"],
      message: "unset while warehouse.serverless = true (it restores a provisioned cluster's snapshot)",
    });
  }
  if (c.features.warehouse && c.warehouse.serverless && c.network.azCount < 3) {
    ctx.addIssue({
      code: "custom",
      path: ["warehouse", "serverless"],
      message: `false while network.azCount = ${c.network.azCount}: Redshift Serverless needs subnets in at least three AZs`,
    });
  }
  for (const issue of operationsIssues(c)) ctx.addIssue({ code: "custom", ...issue });
  if (c.backup.enabled && c.backup.copyToDrRegion && !c.security.multiRegionKeys) {
    ctx.addIssue({
      code: "custom",
      path: ["backup", "copyToDrRegion"],
      message: "false while security.multiRegionKeys = false (the DR vault encrypts with the replica key)",
    });
  }
  if (c.environment !== "local" && !c.accountId) {
    ctx.addIssue({
      code: "custom",
      path: ["accountId"],
      message: `the 12-digit AWS account the ${c.environment} environment deploys into (every provider's allowedAccountIds)`,
    });
  }
  if (c.environment === "prod") {
    if (c.network.azCount < 2) {
      ctx.addIssue({
        code: "custom",
        path: ["network", "azCount"],
        message: "at least 2 in prod (multi-AZ)",
      });
    }
    if (c.security.kmsDeletionWindowDays < 30) {
      ctx.addIssue({
        code: "custom",
        path: ["security", "kmsDeletionWindowDays"],
        message: "30 in prod (a deleted key makes its data unreadable)",
      });
    }
    if (c.security.auditLogRetentionDays < 365) {
      ctx.addIssue({
        code: "custom",
        path: ["security", "auditLogRetentionDays"],
        message: "at least 365 in prod (a year of audit evidence)",
      });
    }
    if (c.network.natGateways === "single") {
      ctx.addIssue({
        code: "custom",
        path: ["network", "natGateways"],
        message: '"perAz" or "none" in prod (a single NAT gateway is a single-AZ point of failure)',
      });
    }
  }
});

export type PlatformConfig = z.infer<typeof PlatformConfigObject>;
export type NetworkConfig = PlatformConfig["network"];
