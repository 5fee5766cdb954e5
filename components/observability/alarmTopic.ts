import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AlarmTopicArgs {
  /** Key encrypting the topic (the logs key; its policy admits CloudWatch). Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Address subscribed to every alarm (confirmation required). Default none. */
  readonly email?: string;
  /**
   * AWS Chatbot Slack channel notified of every alarm, budget and anomaly alert (the workspace must
   * have been authorised once in the Chatbot console). Its role and guardrail only read CloudWatch.
   * Default none.
   */
  readonly slack?: { readonly workspaceId: string; readonly channelId: string };
}

/** The services that publish to the alarm topic: CloudWatch alarms, AWS Budgets, Cost Anomaly Detection. */
export const ALARM_TOPIC_PUBLISHERS = [
  "cloudwatch.amazonaws.com",
  "budgets.amazonaws.com",
  "costalerts.amazonaws.com",
] as const;

/** Read-only guardrail of the Chatbot channel: users can look at metrics and alarms from Slack, nothing else. */
export const CHATBOT_GUARDRAIL_POLICY = "arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess";

/** What the Chatbot channel role may do: read alarms and metrics to render the notifications. */
export const CHATBOT_ACTIONS = [
  "cloudwatch:DescribeAlarms",
  "cloudwatch:GetMetricData",
  "cloudwatch:GetMetricStatistics",
  "cloudwatch:ListMetrics",
] as const;

/**
 * The topic policy: CloudWatch alarms, budgets and cost anomaly alerts of this account may publish; nothing reaches it over
 * plain HTTP.
 */
export function alarmTopicPolicy(topicArn: string, accountId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AlarmsBudgetsAndAnomaliesOfThisAccount",
        Effect: "Allow",
        Principal: { Service: [...ALARM_TOPIC_PUBLISHERS] },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  });
}

/**
 * `dataplatform:observability:AlarmTopic`: the environment's alarm notifications: a KMS-encrypted
 * SNS topic CloudWatch alarms, budgets and cost anomaly alerts publish to, with optional email and
 * Slack (AWS Chatbot) subscriptions.
 */
export class AlarmTopic extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: AlarmTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:observability:AlarmTopic", name, {}, opts);
    const topic = new aws.sns.Topic(`${name}-topic`, { kmsMasterKeyId: args.kmsKeyArn }, { parent: this });
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    new aws.sns.TopicPolicy(
      `${name}-policy`,
      {
        arn: topic.arn,
        policy: pulumi.all([topic.arn, account]).apply(([arn, id]) => alarmTopicPolicy(arn, id)),
      },
      { parent: this },
    );
    if (args.email) {
      new aws.sns.TopicSubscription(
        `${name}-email`,
        { topic: topic.arn, protocol: "email", endpoint: args.email },
        { parent: this },
      );
    }
    if (args.slack) {
      const role = new aws.iam.Role(
        `${name}-chatbot`,
        {
          description: "AWS Chatbot: renders alarm notifications in Slack",
          assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Principal: { Service: "chatbot.amazonaws.com" }, Action: "sts:AssumeRole" },
            ],
          }),
        },
        { parent: this },
      );
      new aws.iam.RolePolicy(
        `${name}-chatbot`,
        {
          role: role.id,
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: [...CHATBOT_ACTIONS], Resource: "*" }],
          }),
        },
        { parent: this },
      );
      new aws.chatbot.SlackChannelConfiguration(
        `${name}-slack`,
        {
          configurationName: `${pulumi.getProject()}-${pulumi.getStack()}-${name}`,
          iamRoleArn: role.arn,
          slackTeamId: args.slack.workspaceId,
          slackChannelId: args.slack.channelId,
          snsTopicArns: [topic.arn],
          guardrailPolicyArns: [CHATBOT_GUARDRAIL_POLICY],
          loggingLevel: "ERROR",
        },
        { parent: this },
      );
    }
    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
