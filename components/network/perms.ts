/**
 * IAM actions the network layer grants, in one place so reviews and tests read them here.
 */

/** What the VPC Flow Logs service needs on its own log group to deliver records. */
export const FLOW_LOGS_DELIVERY_ACTIONS = [
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "logs:DescribeLogStreams",
] as const;

/** Flow Logs checks the destination group exists; a list action, scoped to the account's log groups. */
export const FLOW_LOGS_DESCRIBE_ACTIONS = ["logs:DescribeLogGroups"] as const;
