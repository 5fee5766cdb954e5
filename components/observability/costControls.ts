import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface CostControlsArgs {
  /** Environment the budget and anomaly monitor are scoped to (its `Environment` tag). Required. */
  readonly environment: string;
  /** Monthly budget in USD. Required. */
  readonly monthlyBudgetUsd: number;
  /** Alert when actual spend reaches these percentages of the budget. Default 80, 100. */
  readonly actualAlertPercents?: readonly number[];
  /** Alert when forecast spend reaches these percentages. Default 100. */
  readonly forecastAlertPercents?: readonly number[];
  /** Topic the alerts go to (its policy admits budgets and costalerts). Required. */
  readonly topicArn: pulumi.Input<string>;
  /** Addresses that get the budget alerts by email as well. Default none. */
  readonly emails?: readonly string[];
  /** Cost anomaly alert when an anomaly's total impact reaches this many USD. Default 50. */
  readonly anomalyThresholdUsd?: number;
  /** Tag keys to activate as cost allocation tags (account-wide). Default none. */
  readonly costAllocationTagKeys?: readonly string[];
}

const DEFAULTS = {
  actualAlertPercents: [80, 100],
  forecastAlertPercents: [100],
  anomalyThresholdUsd: 50,
} as const;

/** The budget's notifications: one per actual and per forecast threshold, to the topic and emails. */
export function budgetNotifications(
  actual: readonly number[],
  forecast: readonly number[],
  topicArn: pulumi.Input<string>,
  emails: readonly string[] = [],
): aws.types.input.budgets.BudgetNotification[] {
  const one = (type: "ACTUAL" | "FORECASTED", threshold: number) => ({
    comparisonOperator: "GREATER_THAN",
    notificationType: type,
    threshold,
    thresholdType: "PERCENTAGE",
    subscriberSnsTopicArns: [topicArn],
    ...(emails.length ? { subscriberEmailAddresses: [...emails] } : {}),
  });
  return [...actual.map((t) => one("ACTUAL", t)), ...forecast.map((t) => one("FORECASTED", t))];
}

/** The anomaly monitor's scope: costs tagged with this environment. */
export function environmentMonitorSpecification(environment: string): string {
  return JSON.stringify({
    Tags: { Key: "Environment", Values: [environment], MatchOptions: ["EQUALS"] },
  });
}

/**
 * `dataplatform:observability:CostControls`: cost governance of one environment: a monthly cost
 * budget filtered to the environment's tag with actual and forecast alerts, a Cost Anomaly
 * Detection monitor on the same tag with an immediate alert above a dollar impact, and the
 * platform's tag keys activated as cost allocation tags.
 */
export class CostControls extends pulumi.ComponentResource {
  readonly budgetName: pulumi.Output<string>;
  readonly anomalyMonitorArn: pulumi.Output<string>;

  constructor(name: string, args: CostControlsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:observability:CostControls", name, {}, opts);
    const actual = args.actualAlertPercents ?? DEFAULTS.actualAlertPercents;
    const forecast = args.forecastAlertPercents ?? DEFAULTS.forecastAlertPercents;
    const anomalyThreshold = args.anomalyThresholdUsd ?? DEFAULTS.anomalyThresholdUsd;
    if (!(args.monthlyBudgetUsd > 0))
      throw new pulumi.ResourceError(
        `monthlyBudgetUsd = ${args.monthlyBudgetUsd}: a positive amount in USD`,
        this,
      );
    for (const p of [...actual, ...forecast])
      if (!(p > 0)) throw new pulumi.ResourceError(`alert percentage ${p}: a positive percentage`, this);

    // Tag activation comes first: a budget filtered on a tag sees costs only once the tag is active.
    const tags = (args.costAllocationTagKeys ?? []).map(
      (key) =>
        new aws.costexplorer.CostAllocationTag(
          `${name}-tag-${key.toLowerCase()}`,
          { tagKey: key, status: "Active" },
          { parent: this },
        ),
    );
    const budget = new aws.budgets.Budget(
      `${name}-budget`,
      {
        budgetType: "COST",
        timeUnit: "MONTHLY",
        limitAmount: args.monthlyBudgetUsd.toFixed(2),
        limitUnit: "USD",
        costFilters: [{ name: "TagKeyValue", values: [`user:Environment$${args.environment}`] }],
        notifications: budgetNotifications(actual, forecast, args.topicArn, args.emails),
      },
      { parent: this, dependsOn: tags },
    );
    const monitor = new aws.costexplorer.AnomalyMonitor(
      `${name}-anomalies`,
      {
        monitorType: "CUSTOM",
        monitorSpecification: environmentMonitorSpecification(args.environment),
      },
      { parent: this, dependsOn: tags },
    );
    new aws.costexplorer.AnomalySubscription(
      `${name}-anomalies`,
      {
        frequency: "IMMEDIATE",
        monitorArnLists: [monitor.arn],
        subscribers: [{ type: "SNS", address: args.topicArn }],
        thresholdExpression: {
          dimension: {
            key: "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
            matchOptions: ["GREATER_THAN_OR_EQUAL"],
            values: [String(anomalyThreshold)],
          },
        },
      },
      { parent: this },
    );
    this.budgetName = budget.name;
    this.anomalyMonitorArn = monitor.arn;
    this.registerOutputs({ budgetName: this.budgetName, anomalyMonitorArn: this.anomalyMonitorArn });
  }
}
