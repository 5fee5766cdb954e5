import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { inlineFunction } from "../../runtime/lambda/packaging";
import { assumedBy, streamFunctionPolicy } from "../streaming/policies";
import { DEAD_LETTER_ROOT, rawPrefixes } from "../streaming/pipeline";
import type { MetricSpec } from "../lake/metrics";
import { AlarmSet } from "../observability/alarmSet";
import { FEATURE_WRITE_ACTIONS, ONLINE_STORE_KEY_ACTIONS } from "./perms";

export interface FeatureIngestionArgs {
  /** Data product of the stream; it must have a feature set in `runtime/features`. Required. */
  readonly dataProduct: string;
  /** The stream to consume and its key. Required. */
  readonly stream: { readonly arn: pulumi.Input<string>; readonly kmsKeyArn: pulumi.Input<string> };
  /** The feature group written: name, ARN and online-store key. Required. */
  readonly featureGroup: {
    readonly name: pulumi.Input<string>;
    readonly arn: pulumi.Input<string>;
    readonly onlineStoreKeyArn: pulumi.Input<string>;
  };
  /** Raw zone: dead letters and the on-failure destination. Required. */
  readonly rawZone: {
    readonly bucketName: pulumi.Input<string>;
    readonly bucketArn: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string>;
  };
  /** Key of the log group. Required. */
  readonly logsKeyArn: pulumi.Input<string>;
  /** Private subnets and security groups of the function. Default: outside a VPC. */
  readonly network?: {
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  };
  /** Reserved concurrency. Default 5. */
  readonly reservedConcurrency?: number;
  /** Parallel PutRecord calls per invocation (1-256; PutRecord latency bounds a shard's rate). Default 16. */
  readonly featureConcurrency?: number;
  /** Records per invocation. Default 100. */
  readonly batchSize?: number;
  /** Log retention in days. Default 14. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** Alarm topic. Default: alarms without actions. */
  readonly alarmTopicArn?: pulumi.Input<string>;
}

const DEFAULTS = {
  reservedConcurrency: 5,
  featureConcurrency: 16,
  batchSize: 100,
  logRetentionDays: 14,
} as const;

/**
 * `dataplatform:ml:FeatureIngestion`: the feature consumer of a stream. An inline Lambda running
 * the runtime's stream processor with a Feature Store sink (`FEATURE_GROUP_NAME`): same
 * validation, ordering, partial batch failures, retries and dead letters as the speed layer, with
 * a role that can `PutRecord` into one feature group only.
 */
export class FeatureIngestion extends pulumi.ComponentResource {
  readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
  readonly role: aws.iam.Role;
  readonly mapping: aws.lambda.EventSourceMapping;
  readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
  readonly keyMetrics: Record<string, MetricSpec>;

  constructor(name: string, args: FeatureIngestionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:ml:FeatureIngestion", name, {}, opts);
    const a = { ...DEFAULTS, ...args };
    for (const [field, v, max] of [
      ["reservedConcurrency", a.reservedConcurrency, 1000],
      ["featureConcurrency", a.featureConcurrency, 256],
      ["batchSize", a.batchSize, 10_000],
    ] as const) {
      if (!Number.isInteger(v) || v < 1 || v > max) {
        throw new pulumi.ResourceError(`${field} = ${v}: an integer from 1 to ${max}`, this);
      }
    }
    const parent = { parent: this };
    const logs = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { retentionInDays: a.logRetentionDays, kmsKeyId: args.logsKeyArn },
      parent,
    );
    this.role = new aws.iam.Role(
      `${name}-role`,
      { assumeRolePolicy: assumedBy("lambda.amazonaws.com") },
      parent,
    );
    const deadLetters = rawPrefixes(args.dataProduct).deadLetters;
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.name,
        policy: pulumi
          .output({
            streamArn: args.stream.arn,
            streamKeyArn: args.stream.kmsKeyArn,
            logGroupArn: logs.arn,
            bucketArn: args.rawZone.bucketArn,
            lakeKeyArn: args.rawZone.kmsKeyArn,
            groupArn: args.featureGroup.arn,
            onlineKeyArn: args.featureGroup.onlineStoreKeyArn,
          })
          .apply((x) => {
            const doc = streamFunctionPolicy({
              streamArn: x.streamArn,
              streamKeyArn: x.streamKeyArn,
              logGroupArn: x.logGroupArn,
              deadLetter: { bucketArn: x.bucketArn, prefix: deadLetters, keyArn: x.lakeKeyArn },
              onFailure: { bucketArn: x.bucketArn, keyArn: x.lakeKeyArn },
              inVpc: args.network !== undefined,
            });
            doc.Statement.push(
              {
                Sid: "PutFeatureRecords",
                Effect: "Allow",
                Action: [...FEATURE_WRITE_ACTIONS],
                Resource: x.groupArn,
              },
              {
                Sid: "OnlineStoreKey",
                Effect: "Allow",
                Action: [...ONLINE_STORE_KEY_ACTIONS],
                Resource: x.onlineKeyArn,
              },
            );
            return JSON.stringify(doc);
          }),
      },
      parent,
    );
    this.function = new aws.lambda.CallbackFunction(
      `${name}-function`,
      {
        ...inlineFunction("streamProcessor"),
        role: this.role,
        runtime: "nodejs22.x",
        memorySize: 256,
        timeout: 60,
        reservedConcurrentExecutions: a.reservedConcurrency,
        tracingConfig: { mode: "Active" },
        loggingConfig: { logFormat: "JSON", logGroup: logs.name },
        environment: {
          variables: {
            DATA_PRODUCT: args.dataProduct,
            FEATURE_GROUP_NAME: args.featureGroup.name,
            FEATURE_CONCURRENCY: String(a.featureConcurrency),
            DEAD_LETTER_BUCKET: args.rawZone.bucketName,
            DEAD_LETTER_PREFIX: DEAD_LETTER_ROOT,
          },
        },
        ...(args.network
          ? {
              vpcConfig: {
                subnetIds: args.network.subnetIds,
                securityGroupIds: args.network.securityGroupIds,
              },
            }
          : {}),
      },
      { parent: this, dependsOn: [policy] },
    );
    this.mapping = new aws.lambda.EventSourceMapping(
      `${name}-source`,
      {
        eventSourceArn: args.stream.arn,
        functionName: this.function.arn,
        startingPosition: "TRIM_HORIZON",
        batchSize: a.batchSize,
        maximumBatchingWindowInSeconds: 1,
        parallelizationFactor: 1,
        functionResponseTypes: ["ReportBatchItemFailures"],
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 5,
        maximumRecordAgeInSeconds: 3600,
        destinationConfig: { onFailure: { destinationArn: args.rawZone.bucketArn } },
      },
      parent,
    );
    this.keyMetrics = {
      featureRecords: {
        namespace: "DataPlatform/Streaming",
        metricName: "FeatureRecords",
        dimensions: { DataProduct: args.dataProduct, FunctionName: this.function.name },
        statistic: "Sum",
        period: 60,
      },
      errors: {
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: this.function.name },
        statistic: "Sum",
        period: 60,
      },
      iteratorAge: {
        namespace: "AWS/Lambda",
        metricName: "IteratorAge",
        dimensions: { FunctionName: this.function.name },
        statistic: "Maximum",
        period: 60,
      },
    };
    const alarmSet = new AlarmSet(
      `${name}-alarms`,
      {
        rules: {
          errors: {
            metric: this.keyMetrics.errors,
            threshold: 0,
            description: `${args.dataProduct}: feature ingestion invocations failed`,
          },
          "iterator-age": {
            metric: this.keyMetrics.iteratorAge,
            threshold: 60_000,
            evaluationPeriods: 5,
            description: `${args.dataProduct}: feature ingestion is falling behind the stream`,
          },
        },
        ...(args.alarmTopicArn ? { topicArn: args.alarmTopicArn } : {}),
      },
      parent,
    );
    this.alarms.push(...Object.values(alarmSet.alarms));
    this.registerOutputs({ functionName: this.function.name });
  }
}
