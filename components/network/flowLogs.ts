import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountContext } from "../security/account";
import {
  type AccountContext,
  policyDocument,
  type PolicyDocument,
  policyJson,
  serviceTrustPolicy,
} from "../security/documents";
import { FLOW_LOGS_DELIVERY_ACTIONS, FLOW_LOGS_DESCRIBE_ACTIONS } from "./perms";

export interface FlowLogsArgs {
  /** The VPC whose traffic is logged. Required. */
  readonly vpcId: pulumi.Input<string>;
  /** KMS key (the logs data class) encrypting the log group. Required: flow logs are never stored unencrypted. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Days CloudWatch Logs keeps the records. Default 365. */
  readonly retentionInDays?: number;
  /** Accepted, rejected or all traffic. Default `ALL`. */
  readonly trafficType?: "ACCEPT" | "REJECT" | "ALL";
  /** Aggregation interval in seconds (60 or 600). Default 60. */
  readonly maxAggregationInterval?: 60 | 600;
}

const DEFAULTS = { retentionInDays: 365, trafficType: "ALL" as const, maxAggregationInterval: 60 as const };

/** Trust policy of the delivery role: the Flow Logs service, for this account's flow logs only. */
export function flowLogsTrustPolicy(ctx: AccountContext): PolicyDocument {
  return serviceTrustPolicy(
    "vpc-flow-logs.amazonaws.com",
    ctx,
    `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:vpc-flow-log/*`,
  );
}

/** The delivery role's permissions: write to this one log group. */
export function flowLogsDeliveryPolicy(ctx: AccountContext, logGroupArn: string): PolicyDocument {
  return policyDocument(
    {
      Sid: "DeliverToTheFlowLogGroup",
      Effect: "Allow",
      Action: [...FLOW_LOGS_DELIVERY_ACTIONS],
      Resource: [logGroupArn, `${logGroupArn}:*`],
    },
    {
      Sid: "FindTheFlowLogGroup",
      Effect: "Allow",
      Action: [...FLOW_LOGS_DESCRIBE_ACTIONS],
      Resource: `arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:*`,
    },
  );
}

/**
 * VPC flow logs of every packet (`ALL`) to a KMS-encrypted CloudWatch log group with retention,
 * delivered by a role that can write to that group and nothing else.
 */
export class FlowLogs extends pulumi.ComponentResource {
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly role: aws.iam.Role;
  readonly flowLog: aws.ec2.FlowLog;

  constructor(name: string, args: FlowLogsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:network:FlowLogs", name, {}, opts);
    const parent = { parent: this };
    const ctx = accountContext(this);

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        namePrefix: `/dataplatform/vpc-flow-logs/${name}-`,
        kmsKeyId: args.kmsKeyArn,
        retentionInDays: args.retentionInDays ?? DEFAULTS.retentionInDays,
      },
      parent,
    );
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Delivers VPC flow logs to ${name}`,
        assumeRolePolicy: policyJson(ctx.apply(flowLogsTrustPolicy)),
      },
      parent,
    );
    const delivery = new aws.iam.RolePolicy(
      `${name}-delivery`,
      {
        role: this.role.id,
        policy: policyJson(
          pulumi.all([ctx, this.logGroup.arn]).apply(([c, arn]) => flowLogsDeliveryPolicy(c, arn)),
        ),
      },
      parent,
    );
    this.flowLog = new aws.ec2.FlowLog(
      `${name}-flow-log`,
      {
        vpcId: args.vpcId,
        trafficType: args.trafficType ?? DEFAULTS.trafficType,
        logDestinationType: "cloud-watch-logs",
        logDestination: this.logGroup.arn,
        iamRoleArn: this.role.arn,
        maxAggregationInterval: args.maxAggregationInterval ?? DEFAULTS.maxAggregationInterval,
        tags: { Name: name },
      },
      { ...parent, dependsOn: [delivery] },
    );

    this.registerOutputs({ logGroupName: this.logGroup.name, flowLogId: this.flowLog.id });
  }
}
