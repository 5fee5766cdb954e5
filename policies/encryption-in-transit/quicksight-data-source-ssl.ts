import { resourcePolicy } from "../lib/policy";

export const quicksightDataSourceSsl = resourcePolicy({
  name: "quicksight-data-source-ssl",
  description: "QuickSight data sources connect to their source over SSL.",
  severity: "medium",
  concern: "encryption-in-transit",
  remediationSteps: "Leave sslProperties.disableSsl unset or false on the aws.quicksight.DataSource.",
  resourceTypes: ["aws:quicksight/dataSource:DataSource"],
  rules: [
    {
      id: "ssl",
      check: ({ props }) =>
        (props.sslProperties as { disableSsl?: boolean } | undefined)?.disableSsl === true
          ? "Set sslProperties.disableSsl to false (or leave it unset)."
          : undefined,
    },
  ],
});
