import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { MetricSpec } from "../observability/metrics";
import { START_PIPELINE_ACTIONS } from "./perms";
import { document, trustPolicy } from "./policies";

/** How EventBridge starts a SageMaker pipeline on a schedule. */
export interface PipelineScheduleArgs {
  /** The pipeline to start. */
  readonly pipeline: aws.sagemaker.Pipeline;
  /** The account the pipeline is in (the events role trusts EventBridge of this account only). */
  readonly accountId: pulumi.Input<string>;
  /** EventBridge schedule expression, e.g. `cron(0 5 * * ? *)`. */
  readonly scheduleExpression: string;
  /** The rule's description. */
  readonly description: string;
  /** Pipeline parameters each execution gets. Default none. */
  readonly parameters?: { name: string; value: pulumi.Input<string> }[];
}

/**
 * An EventBridge rule that starts `pipeline` on a schedule, through a role that may start only that
 * pipeline (`<name>-schedule-role`, `-schedule-policy`, `-schedule`, `-schedule-target`). Returns the rule.
 */
export function schedulePipeline(
  name: string,
  args: PipelineScheduleArgs,
  parent: pulumi.Resource,
): aws.cloudwatch.EventRule {
  const opts = { parent };
  const eventsRole = new aws.iam.Role(
    `${name}-schedule-role`,
    {
      assumeRolePolicy: pulumi.output(args.accountId).apply((id) => trustPolicy("events.amazonaws.com", id)),
    },
    opts,
  );
  const eventsPolicy = new aws.iam.RolePolicy(
    `${name}-schedule-policy`,
    {
      role: eventsRole.name,
      policy: args.pipeline.arn.apply((arn) =>
        JSON.stringify(
          document({
            Sid: "StartThisPipeline",
            Effect: "Allow",
            Action: [...START_PIPELINE_ACTIONS],
            Resource: arn,
          }),
        ),
      ),
    },
    opts,
  );
  const rule = new aws.cloudwatch.EventRule(
    `${name}-schedule`,
    { description: args.description, scheduleExpression: args.scheduleExpression },
    opts,
  );
  new aws.cloudwatch.EventTarget(
    `${name}-schedule-target`,
    {
      rule: rule.name,
      arn: args.pipeline.arn,
      roleArn: eventsRole.arn,
      sagemakerPipelineTarget: { pipelineParameterLists: args.parameters ?? [] },
    },
    { parent, dependsOn: [eventsPolicy] },
  );
  return rule;
}

/** The execution metrics SageMaker publishes per pipeline (`AWS/Sagemaker/ModelBuildingPipeline`). */
export function pipelineExecutionMetrics(
  pipelineName: pulumi.Input<string>,
): Record<"executionFailed" | "executionSucceeded" | "executionDuration", MetricSpec> {
  const dimensions = { PipelineName: pipelineName };
  const namespace = "AWS/Sagemaker/ModelBuildingPipeline";
  const metric = (metricName: string, statistic: MetricSpec["statistic"]): MetricSpec => ({
    namespace,
    metricName,
    dimensions,
    statistic,
    period: 300,
  });
  return {
    executionFailed: metric("ExecutionFailed", "Sum"),
    executionSucceeded: metric("ExecutionSucceeded", "Sum"),
    executionDuration: metric("ExecutionDuration", "Maximum"),
  };
}
