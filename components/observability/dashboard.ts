import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { KeyMetrics, MetricSpec } from "./metrics";

/** A `MetricSpec` whose dimension values are known (what the dashboard body is rendered from). */
export type ResolvedMetric = Omit<MetricSpec, "dimensions"> & { readonly dimensions: Record<string, string> };

/** Grid geometry: CloudWatch dashboards are 24 units wide. */
export const LAYOUT = { columns: 24, widgetWidth: 8, widgetHeight: 6, headerHeight: 1 } as const;

interface Widget {
  type: "metric" | "text";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

/** One metric row of a CloudWatch graph: namespace, name, dimension pairs, then its rendering options. */
export function metricRow(m: ResolvedMetric): unknown[] {
  const dims = Object.entries(m.dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([k, v]) => [k, v]);
  return [m.namespace, m.metricName, ...dims, { stat: m.statistic, period: m.period }];
}

/** `processorDurationP99Ms` -> `processor duration p99 ms` (a widget title). */
export function titleOf(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase();
}

/**
 * The dashboard body: per section a header, then one graph per metric, three to a row, each with
 * the metric's own statistic and period in `region`.
 */
export function dashboardBody(
  region: string,
  sections: Readonly<Record<string, Readonly<Record<string, ResolvedMetric>>>>,
): string {
  const widgets: Widget[] = [];
  let y = 0;
  for (const [section, metrics] of Object.entries(sections)) {
    widgets.push({
      type: "text",
      x: 0,
      y,
      width: LAYOUT.columns,
      height: LAYOUT.headerHeight,
      properties: { markdown: `## ${section}` },
    });
    y += LAYOUT.headerHeight;
    const perRow = LAYOUT.columns / LAYOUT.widgetWidth;
    Object.entries(metrics).forEach(([key, m], i) => {
      widgets.push({
        type: "metric",
        x: (i % perRow) * LAYOUT.widgetWidth,
        y: y + Math.floor(i / perRow) * LAYOUT.widgetHeight,
        width: LAYOUT.widgetWidth,
        height: LAYOUT.widgetHeight,
        properties: {
          title: `${section}: ${titleOf(key)}`,
          view: "timeSeries",
          stacked: false,
          region,
          stat: m.statistic,
          period: m.period,
          metrics: [metricRow(m)],
        },
      });
    });
    y += Math.ceil(Object.keys(metrics).length / perRow) * LAYOUT.widgetHeight;
  }
  return JSON.stringify({ widgets });
}

export interface DashboardArgs {
  /**
   * Sections in display order: a title and the `keyMetrics` of one component (a pipeline, a job, an
   * endpoint...). Adding a component to a dashboard is one entry. Required.
   */
  readonly sections: Readonly<Record<string, KeyMetrics>>;
  /** Dashboard name (unique per account and region). Default `<project>-<stack>-<name>`. */
  readonly dashboardName?: string;
}

/**
 * `dataplatform:observability:Dashboard`: a CloudWatch dashboard generated from the `keyMetrics`
 * the components expose, one section per component, in the provider's region.
 */
export class Dashboard extends pulumi.ComponentResource {
  readonly dashboardName: pulumi.Output<string>;

  constructor(name: string, args: DashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:observability:Dashboard", name, {}, opts);
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const resolved = pulumi.output(args.sections as Record<string, Record<string, MetricSpec>>);
    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: args.dashboardName ?? `${pulumi.getProject()}-${pulumi.getStack()}-${name}`,
        dashboardBody: pulumi
          .all([region, resolved])
          .apply(([r, sections]) =>
            dashboardBody(r, sections as unknown as Record<string, Record<string, ResolvedMetric>>),
          ),
      },
      { parent: this },
    );
    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({ dashboardName: this.dashboardName });
  }
}
