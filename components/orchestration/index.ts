export {
  BatchWorkflow,
  type BatchWorkflowArgs,
  type SparkTarget,
  type LoadTargetValue,
  type WorkflowPartitions,
  type WorkflowPolicyArgs,
  scheduleProblems,
  workflowPolicy,
  schedulePolicy,
  stateMachineMetric,
  type MetricSpec,
} from "./batchWorkflow";
export {
  AirflowEnvironment,
  type AirflowEnvironmentArgs,
  AIRFLOW_LOG_KINDS,
  airflowProblems,
  airflowExecutionPolicy,
  tlsOnlyBucketPolicy,
} from "./airflow";
export {
  pipelineDefinition,
  definitionProblems,
  msckStatement,
  STATE,
  RUN_DATE_EXPRESSION,
  type PipelineDefinitionArgs,
  type StateMachineDefinition,
  type State,
  type GlueJobStep,
  type PartitionStep,
  type LoadStep,
  type RetryPolicy,
  type Retrier,
  type Catcher,
} from "./definition";
export * as orchestrationPerms from "./perms";
export {
  batchDataProduct,
  batchPrefixes,
  type BatchDataProductArgs,
  DAILY_ROLLUP_SCRIPT,
  PROCESSED_EVENT_COLUMNS,
} from "./dataProduct";
