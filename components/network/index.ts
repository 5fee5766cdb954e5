export { FlowLogs, type FlowLogsArgs, flowLogsDeliveryPolicy, flowLogsTrustPolicy } from "./flowLogs";
export { Network, type NetworkArgs } from "./network";
export { FLOW_LOGS_DELIVERY_ACTIONS, FLOW_LOGS_DESCRIBE_ACTIONS } from "./perms";
export {
  GROUP_DESCRIPTIONS,
  type Peer,
  ruleKey,
  type RuleSpec,
  SecurityGroups,
  type SecurityGroupsArgs,
  securityGroupRules,
} from "./securityGroups";
export {
  natGatewayCount,
  natGatewayFor,
  type NatGatewayMode,
  subnetLayoutProblems,
  Vpc,
  type VpcArgs,
} from "./vpc";
export {
  endpointServiceName,
  GATEWAY_ENDPOINT_SERVICES,
  INTERFACE_ENDPOINT_SERVICES,
  VpcEndpoints,
  type VpcEndpointsArgs,
} from "./vpcEndpoints";
