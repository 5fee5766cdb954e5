import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AlarmTopicArgs {
  /** Key encrypting the topic (the logs key; its policy admits CloudWatch). Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Address subscribed to every alarm (confirmation required). Default none. */
  readonly email?: string;
}

/**
 * The topic policy: CloudWatch alarms of this account may publish; nothing reaches it over
 * plain HTTP.
 */
export function alarmTopicPolicy(topicArn: string, accountId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CloudWatchAlarmsOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
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
 * SNS topic CloudWatch alarms publish to, with an optional email subscription.
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
    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
