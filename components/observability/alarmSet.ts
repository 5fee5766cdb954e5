import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarmMetricArgs, type Comparison, type MetricSpec } from "./metrics";

/** One alarm: a metric, when it fires, and what to tell the person paged. */
export interface AlarmRule {
  readonly metric: MetricSpec;
  /** Fires when the metric compares to this value as `comparison` says. */
  readonly threshold: number;
  /** Default `GreaterThanThreshold`. */
  readonly comparison?: Comparison;
  /** Consecutive periods over the threshold before it fires. Default 1. */
  readonly evaluationPeriods?: number;
  /** What is wrong, in the notification. */
  readonly description: string;
  /** Missing data (no traffic) counts as OK unless `breaching`. Default `notBreaching`. */
  readonly treatMissingData?: "notBreaching" | "breaching" | "missing" | "ignore";
}

export interface AlarmSetArgs {
  /** The alarms by role; each becomes `${name}-${role}`. Required. */
  readonly rules: Readonly<Record<string, AlarmRule>>;
  /** SNS topic notified on ALARM and OK. Default: alarms without actions. */
  readonly topicArn?: pulumi.Input<string>;
  /**
   * A composite alarm `${name}-unhealthy` that fires when any of the set's alarms (and the `include`d
   * ones) fires: one page for "pipeline unhealthy" instead of one per stage. Default none.
   */
  readonly composite?: {
    readonly description: string;
    readonly include?: readonly aws.cloudwatch.MetricAlarm[];
  };
}

/** `ALARM("a") OR ALARM("b")`: the rule of a composite alarm over alarm ARNs. */
export function anyAlarmRule(alarmArns: readonly string[]): string {
  if (alarmArns.length === 0) throw new Error("a composite alarm needs at least one alarm");
  return alarmArns.map((arn) => `ALARM("${arn}")`).join(" OR ");
}

/**
 * `dataplatform:observability:AlarmSet`: CloudWatch alarms from `AlarmRule`s routed to the
 * environment's alarm topic, optionally rolled up into one composite "unhealthy" alarm.
 */
export class AlarmSet extends pulumi.ComponentResource {
  readonly alarms: Record<string, aws.cloudwatch.MetricAlarm> = {};
  readonly composite?: aws.cloudwatch.CompositeAlarm;

  constructor(name: string, args: AlarmSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:observability:AlarmSet", name, {}, opts);
    const actions = args.topicArn ? { alarmActions: [args.topicArn], okActions: [args.topicArn] } : {};
    for (const [role, rule] of Object.entries(args.rules)) {
      this.alarms[role] = new aws.cloudwatch.MetricAlarm(
        `${name}-${role}`,
        {
          alarmDescription: rule.description,
          ...alarmMetricArgs(rule.metric),
          threshold: rule.threshold,
          comparisonOperator: rule.comparison ?? "GreaterThanThreshold",
          evaluationPeriods: rule.evaluationPeriods ?? 1,
          treatMissingData: rule.treatMissingData ?? "notBreaching",
          ...actions,
        },
        { parent: this },
      );
    }
    if (args.composite) {
      const members = [...Object.values(this.alarms), ...(args.composite.include ?? [])];
      this.composite = new aws.cloudwatch.CompositeAlarm(
        `${name}-unhealthy`,
        {
          alarmDescription: args.composite.description,
          alarmName: `${pulumi.getProject()}-${pulumi.getStack()}-${name}-unhealthy`,
          alarmRule: pulumi.all(members.map((a) => a.arn)).apply(anyAlarmRule),
          actionsEnabled: true,
          ...actions,
        },
        { parent: this },
      );
    }
    this.registerOutputs({ compositeAlarmArn: this.composite?.arn });
  }
}
