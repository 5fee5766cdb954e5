/**
 * IAM action lists of the orchestration layer: what a pipeline's state machine, its schedule and the
 * Airflow execution role may do. Explicit actions only. The few that IAM cannot scope to a resource
 * (log delivery, X-Ray, Data API statement polling, Lake Formation data access, MWAA's account
 * checks) are listed apart so the policies can say why they sit on `*`.
 *
 * What each Step Functions integration needs is the policy Step Functions itself generates for it
 * ("IAM policies for integrated services", Step Functions developer guide):
 * - Glue `startJobRun.sync`: https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html#glue-iam
 *   (StartJobRun, GetJobRun, GetJobRuns, BatchStopJobRun; no EventBridge rule: the run is polled);
 * - EMR `addStep.sync`: https://docs.aws.amazon.com/step-functions/latest/dg/emr-iam.html
 *   (AddJobFlowSteps, DescribeStep, CancelSteps on the cluster; PutTargets, PutRule, DescribeRule on
 *   the managed rule `StepFunctionsGetEventForEMRAddJobFlowStepsRule`, "Event" singular);
 * - EMR Serverless `startJobRun.sync`: https://docs.aws.amazon.com/step-functions/latest/dg/emr-serverless-iam.html
 *   (StartJobRun on the application, GetJobRun and CancelJobRun on its `jobruns/*`, iam:PassRole of
 *   the job role to `emr-serverless.amazonaws.com`, the rule `StepFunctionsGetEventsForEMRServerlessJobRule`);
 * - Athena `startQueryExecution.sync`: https://docs.aws.amazon.com/step-functions/latest/dg/athena-iam.html
 *   (Start/Stop/GetQueryExecution and GetDataCatalog, the catalog objects and buckets the query
 *   touches, lakeformation:GetDataAccess for tables Lake Formation governs).
 */

/** `glue:startJobRun.sync`: start, poll and stop the job's runs (on the job's ARN). */
export const GLUE_JOB_RUN_ACTIONS = [
  "glue:StartJobRun",
  "glue:GetJobRun",
  "glue:GetJobRuns",
  "glue:BatchStopJobRun",
] as const;

/** Start a crawler (aws-sdk integration). */
export const GLUE_CRAWLER_ACTIONS = ["glue:StartCrawler", "glue:GetCrawler"] as const;

/** `athena:startQueryExecution.sync` in one workgroup. */
export const ATHENA_QUERY_ACTIONS = [
  "athena:StartQueryExecution",
  "athena:GetQueryExecution",
  "athena:StopQueryExecution",
  "athena:GetWorkGroup",
] as const;

/** `athena:startQueryExecution.sync`: the data catalog the query runs in (`datacatalog/AwsDataCatalog`). */
export const ATHENA_CATALOG_ACTIONS = ["athena:GetDataCatalog"] as const;

/** Credentials for Lake Formation governed tables: IAM has no resource for it (`*`). */
export const LAKE_FORMATION_DATA_ACCESS_ACTIONS = ["lakeformation:GetDataAccess"] as const;

/** Catalog calls an Athena `MSCK REPAIR TABLE` makes as the caller. */
export const GLUE_PARTITION_ACTIONS = [
  "glue:GetDatabase",
  "glue:GetTable",
  "glue:GetPartition",
  "glue:GetPartitions",
  "glue:BatchGetPartition",
  "glue:CreatePartition",
  "glue:BatchCreatePartition",
] as const;

/** Athena writing query results as the caller. */
export const ATHENA_RESULTS_ACTIONS = ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"] as const;

/** Listing a bucket (results, table location). */
export const S3_BUCKET_ACTIONS = ["s3:ListBucket", "s3:GetBucketLocation"] as const;

/** Reading a table's objects (MSCK lists them). */
export const S3_READ_ACTIONS = ["s3:GetObject"] as const;

/** Using a KMS key for lake data and results. */
export const KMS_USE_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"] as const;

/** `elasticmapreduce:addStep.sync` on one cluster: add the step, follow it, cancel it on timeout. */
export const EMR_STEP_SYNC_ACTIONS = [
  "elasticmapreduce:AddJobFlowSteps",
  "elasticmapreduce:DescribeStep",
  "elasticmapreduce:CancelSteps",
] as const;

/** `emr-serverless:startJobRun.sync`: start a job run on the application (its ARN). */
export const EMR_SERVERLESS_START_ACTIONS = ["emr-serverless:StartJobRun"] as const;

/** `emr-serverless:startJobRun.sync`: follow and cancel the application's job runs (`<application>/jobruns/*`). */
export const EMR_SERVERLESS_JOB_RUN_ACTIONS = [
  "emr-serverless:GetJobRun",
  "emr-serverless:CancelJobRun",
] as const;

/** The managed EventBridge rules Step Functions `.sync` integrations create to follow EMR work. */
export const SYNC_RULE_ACTIONS = ["events:PutTargets", "events:PutRule", "events:DescribeRule"] as const;
/** The rule of `elasticmapreduce:addStep.sync` (emr-iam.html: "GetEvent", singular). */
export const EMR_STEP_SYNC_RULE = "StepFunctionsGetEventForEMRAddJobFlowStepsRule";
/** The rule of `emr-serverless:startJobRun.sync` (emr-serverless-iam.html: "GetEvents", plural). */
export const EMR_SERVERLESS_SYNC_RULE = "StepFunctionsGetEventsForEMRServerlessJobRule";

/** Redshift Data API statement on one cluster or workgroup. */
export const REDSHIFT_DATA_EXECUTE_ACTIONS = ["redshift-data:ExecuteStatement"] as const;

/** Polling statements: no resource ARN exists; limited to statements this role started. */
export const REDSHIFT_DATA_DESCRIBE_ACTIONS = ["redshift-data:DescribeStatement"] as const;

/** Temporary database credentials for one user of one database (provisioned cluster). */
export const REDSHIFT_CLUSTER_CREDENTIALS_ACTIONS = ["redshift:GetClusterCredentials"] as const;

/** Temporary credentials of a serverless workgroup. */
export const REDSHIFT_SERVERLESS_CREDENTIALS_ACTIONS = ["redshift-serverless:GetCredentials"] as const;

/** Failure notification. */
export const SNS_PUBLISH_ACTIONS = ["sns:Publish"] as const;

/** Using the KMS key of an encrypted topic. */
export const SNS_KMS_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"] as const;

/** CloudWatch Logs vended delivery for Step Functions logging: IAM supports no resource here (AWS docs). */
export const LOG_DELIVERY_ACTIONS = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
] as const;

/** X-Ray tracing: IAM supports no resource here. */
export const XRAY_ACTIONS = [
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
] as const;

/** EventBridge starting one state machine. */
export const START_EXECUTION_ACTIONS = ["states:StartExecution"] as const;

/** MWAA: metrics of its own environment. */
export const AIRFLOW_METRICS_ACTIONS = ["airflow:PublishMetrics"] as const;

/** MWAA: reading its DAG bucket. */
export const AIRFLOW_BUCKET_ACTIONS = [
  "s3:GetObject",
  "s3:GetObjectVersion",
  "s3:ListBucket",
  "s3:GetBucketLocation",
  "s3:GetBucketVersioning",
  "s3:GetBucketPublicAccessBlock",
  "s3:GetEncryptionConfiguration",
] as const;

/** MWAA: its own log groups (`airflow-<environment>-*`). */
export const AIRFLOW_LOG_ACTIONS = [
  "logs:CreateLogStream",
  "logs:CreateLogGroup",
  "logs:PutLogEvents",
  "logs:GetLogEvents",
  "logs:GetLogRecord",
  "logs:GetLogGroupFields",
  "logs:GetQueryResults",
] as const;

/** MWAA: account-level checks and metrics that IAM cannot scope to a resource. */
export const AIRFLOW_ACCOUNT_ACTIONS = [
  "logs:DescribeLogGroups",
  "s3:GetAccountPublicAccessBlock",
  "cloudwatch:PutMetricData",
] as const;

/** MWAA: its Celery queues (`airflow-celery-*`, owned by the service account). */
export const AIRFLOW_QUEUE_ACTIONS = [
  "sqs:ChangeMessageVisibility",
  "sqs:DeleteMessage",
  "sqs:GetQueueAttributes",
  "sqs:GetQueueUrl",
  "sqs:ReceiveMessage",
  "sqs:SendMessage",
] as const;

/** MWAA: its CMK, only through SQS and S3. */
export const AIRFLOW_KMS_ACTIONS = [
  "kms:Decrypt",
  "kms:DescribeKey",
  "kms:GenerateDataKey",
  "kms:Encrypt",
] as const;
