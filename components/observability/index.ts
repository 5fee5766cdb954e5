export { AlarmTopic, type AlarmTopicArgs, alarmTopicPolicy } from "./alarmTopic";
export { AlarmSet, type AlarmSetArgs, type AlarmRule, anyAlarmRule } from "./alarmSet";
export {
  pipelineAlarmRules,
  glueJobAlarmRules,
  workflowAlarmRules,
  warehouseAlarmRules,
  sparkAlarmRules,
  cacheAlarmRules,
  replicationAlarmRules,
  type AlarmThresholds,
} from "./alarmRules";
export {
  Dashboard,
  type DashboardArgs,
  dashboardBody,
  LAYOUT,
  metricRow,
  titleOf,
  type ResolvedMetric,
} from "./dashboard";
export * from "./metrics";
export {
  CostControls,
  type CostControlsArgs,
  budgetNotifications,
  environmentMonitorSpecification,
} from "./costControls";
