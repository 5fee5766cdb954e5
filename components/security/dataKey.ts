import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DataClass } from "../../contracts/platform";
import { accountContext } from "./account";
import {
  type AccountContext,
  policyDocument,
  type PolicyDocument,
  policyJson,
  type Statement,
} from "./documents";
import {
  CLOUDTRAIL_DESCRIBE_KEY_ACTIONS,
  CLOUDTRAIL_KEY_ACTIONS,
  CLOUDWATCH_LOGS_KEY_ACTIONS,
  FIREHOSE_KEY_ACTIONS,
  KEY_ADMIN_ACTIONS,
  KEY_USE_ACTIONS,
} from "./perms";

/** What each data class's key protects, as its description in KMS. */
export const DATA_CLASS_DESCRIPTIONS: Record<DataClass, string> = {
  lake: "Data lake zones (raw, processed, curated), Glue catalog and Athena results",
  streaming: "Kinesis streams, Firehose delivery streams, DynamoDB serving tables and dead letters",
  warehouse: "Redshift clusters and snapshots, ElastiCache",
  ml: "SageMaker feature store, training artifacts, models and endpoints",
  logs: "CloudWatch log groups, CloudTrail and AWS Config files",
  secrets: "Secrets Manager secrets",
};

/**
 * Statements letting AWS services use a data class's key directly, as a service principal. Only
 * services that call KMS under their own identity appear here; everything else (S3, Kinesis,
 * DynamoDB, Redshift, Glue, SageMaker, Secrets Manager) uses the key on behalf of a role whose
 * identity policy names the key. Every statement is bound to this account.
 */
export function serviceKeyStatements(dataClass: DataClass, ctx: AccountContext): Statement[] {
  const { accountId, partition, region } = ctx;
  const sourceAccount = { "aws:SourceAccount": accountId };
  const logGroups: Statement = {
    Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
    Effect: "Allow",
    Principal: { Service: `logs.${region}.amazonaws.com` },
    Action: [...CLOUDWATCH_LOGS_KEY_ACTIONS],
    Resource: "*",
    Condition: {
      ArnLike: {
        "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*`,
      },
    },
  };
  switch (dataClass) {
    case "lake":
      // Glue's security configuration encrypts job logs (CloudWatch) with the lake key.
      return [logGroups];
    case "logs":
      return [
        logGroups,
        // CloudWatch alarms, Budgets and Cost Anomaly Detection publish to the encrypted alarm topic.
        ...(
          [
            ["CloudWatchAlarmsPublishToEncryptedTopics", "cloudwatch.amazonaws.com"],
            ["BudgetsPublishToEncryptedTopics", "budgets.amazonaws.com"],
            ["CostAnomalyAlertsPublishToEncryptedTopics", "costalerts.amazonaws.com"],
          ] as const
        ).map(([sid, service]): Statement => ({
          Sid: sid,
          Effect: "Allow",
          Principal: { Service: service },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          Condition: { StringEquals: sourceAccount },
        })),
        {
          Sid: "CloudTrailEncryptsThisAccountsTrails",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: [...CLOUDTRAIL_KEY_ACTIONS],
          Resource: "*",
          Condition: {
            StringEquals: sourceAccount,
            StringLike: {
              "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${partition}:cloudtrail:*:${accountId}:trail/*`,
            },
          },
        },
        {
          Sid: "CloudTrailDescribesTheKey",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: [...CLOUDTRAIL_DESCRIBE_KEY_ACTIONS],
          Resource: "*",
          Condition: { StringEquals: sourceAccount },
        },
      ];
    case "streaming":
      return [
        {
          Sid: "FirehoseEncryptsThisAccountsDeliveryStreams",
          Effect: "Allow",
          Principal: { Service: "firehose.amazonaws.com" },
          Action: [...FIREHOSE_KEY_ACTIONS],
          Resource: "*",
          Condition: { StringEquals: sourceAccount },
        },
      ];
    default:
      return [];
  }
}

/**
 * The key policy of a data class's key in `ctx.region`: the account root administers the key and
 * delegates its use to IAM (identity policies scoped to the key ARN), plus the services of
 * `serviceKeyStatements`. No wildcard principal.
 */
export function dataKeyPolicy(dataClass: DataClass, ctx: AccountContext): PolicyDocument {
  const root = { AWS: `arn:${ctx.partition}:iam::${ctx.accountId}:root` };
  return policyDocument(
    {
      Sid: "AccountAdministersTheKey",
      Effect: "Allow",
      Principal: root,
      Action: [...KEY_ADMIN_ACTIONS],
      Resource: "*",
    },
    {
      Sid: "IamPoliciesGrantUseOfTheKey",
      Effect: "Allow",
      Principal: root,
      Action: [...KEY_USE_ACTIONS],
      Resource: "*",
    },
    ...serviceKeyStatements(dataClass, ctx),
  );
}

export interface DataKeyArgs {
  /** The data class the key protects; selects the services its policy admits. Required. */
  readonly dataClass: DataClass;
  /** Days between scheduling deletion and deletion (7-30). Default 30. */
  readonly deletionWindowInDays?: number;
  /** Days between automatic rotations (90-2560). Rotation is always on. Default 365. */
  readonly rotationPeriodInDays?: number;
  /** Multi-region primary key with a replica in the DR provider's region. Default false. */
  readonly multiRegion?: boolean;
  /** Provider of the DR region; required when `multiRegion` is true. */
  readonly drProvider?: aws.Provider;
  /** Alias in both regions. Default `alias/<name>`. */
  readonly aliasName?: string;
}

const DEFAULTS = { deletionWindowInDays: 30, rotationPeriodInDays: 365, multiRegion: false };

/**
 * A customer-managed KMS key for one data class: rotation on, deletion window, alias, and a key
 * policy that admits exactly the services of that class. Multi-region keys get a replica (and the
 * same alias) in the DR region, so replicated data stays readable there.
 */
export class DataKey extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly alias: aws.kms.Alias;
  readonly replica?: aws.kms.ReplicaKey;
  readonly arn: pulumi.Output<string>;
  readonly replicaArn?: pulumi.Output<string>;
  readonly aliasName: string;

  constructor(name: string, args: DataKeyArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:security:DataKey", name, {}, opts);
    const deletionWindowInDays = args.deletionWindowInDays ?? DEFAULTS.deletionWindowInDays;
    const rotationPeriodInDays = args.rotationPeriodInDays ?? DEFAULTS.rotationPeriodInDays;
    const multiRegion = args.multiRegion ?? DEFAULTS.multiRegion;
    this.aliasName = args.aliasName ?? `alias/${name}`;
    const fail = (field: string, value: unknown, allowed: string) => {
      throw new pulumi.ResourceError(`${name}: ${field} = ${JSON.stringify(value)}: ${allowed}`, this);
    };
    if (!Number.isInteger(deletionWindowInDays) || deletionWindowInDays < 7 || deletionWindowInDays > 30)
      fail("deletionWindowInDays", deletionWindowInDays, "an integer from 7 to 30");
    if (!Number.isInteger(rotationPeriodInDays) || rotationPeriodInDays < 90 || rotationPeriodInDays > 2560)
      fail("rotationPeriodInDays", rotationPeriodInDays, "an integer from 90 to 2560");
    if (!/^alias\/[A-Za-z0-9/_-]+$/.test(this.aliasName) || this.aliasName.startsWith("alias/aws/"))
      fail("aliasName", this.aliasName, "alias/<name> (letters, digits, / _ -), not under alias/aws/");
    if (multiRegion && !args.drProvider)
      fail("drProvider", undefined, "the DR region's provider, required when multiRegion is true");

    const parent = { parent: this };
    const ctx = accountContext(this);
    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `${DATA_CLASS_DESCRIPTIONS[args.dataClass]} (${args.dataClass})`,
        enableKeyRotation: true,
        rotationPeriodInDays,
        deletionWindowInDays,
        multiRegion,
        policy: policyJson(ctx.apply((c) => dataKeyPolicy(args.dataClass, c))),
        tags: { DataClass: args.dataClass },
      },
      parent,
    );
    this.arn = this.key.arn;
    this.alias = new aws.kms.Alias(
      `${name}-alias`,
      { name: this.aliasName, targetKeyId: this.key.keyId },
      parent,
    );

    if (multiRegion && args.drProvider) {
      const dr = { parent: this, provider: args.drProvider };
      const drRegion = aws.getRegionOutput({}, dr).region;
      this.replica = new aws.kms.ReplicaKey(
        `${name}-replica`,
        {
          primaryKeyArn: this.key.arn,
          description: `${DATA_CLASS_DESCRIPTIONS[args.dataClass]} (${args.dataClass}, DR replica)`,
          deletionWindowInDays,
          policy: policyJson(
            pulumi
              .all([ctx, drRegion])
              .apply(([c, region]) => dataKeyPolicy(args.dataClass, { ...c, region })),
          ),
          tags: { DataClass: args.dataClass },
        },
        dr,
      );
      this.replicaArn = this.replica.arn;
      new aws.kms.Alias(
        `${name}-replica-alias`,
        { name: this.aliasName, targetKeyId: this.replica.keyId },
        dr,
      );
    }

    this.registerOutputs({ arn: this.arn, replicaArn: this.replicaArn, aliasName: this.aliasName });
  }
}
