/**
 * IAM action lists of the API service (ECS task and execution roles). Each is granted on exactly
 * the resources of the configured domains; see `policies.ts`.
 */
export const API_TASK_ACTIONS = {
  /** Ingestion: batched writes to a domain's stream. */
  putRecords: ["kinesis:PutRecords"],
  /** Serving: one item, or one partition (tables with a sort key), of a domain's serving table. */
  readTable: ["dynamodb:GetItem", "dynamodb:Query"],
  /** Inference: the domain's SageMaker endpoint (the variant is chosen by its weights). */
  invokeEndpoint: ["sagemaker:InvokeEndpoint"],
  /** The streaming key: encrypt records for SSE-KMS streams, decrypt items of CMK-encrypted tables. */
  streamingKey: ["kms:GenerateDataKey", "kms:Decrypt"],
} as const;

export const API_EXECUTION_ACTIONS = {
  /** ECR registry login: AWS offers no resource-level permission for it (`*`). */
  ecrAuth: ["ecr:GetAuthorizationToken"],
  /** Pulling the image from its repository. */
  ecrPull: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
  /** The container's log stream in the service's log group. */
  logs: ["logs:CreateLogStream", "logs:PutLogEvents"],
  /** Secrets injected into the container (`secrets`), e.g. the cache auth token. */
  secrets: ["secretsmanager:GetSecretValue"],
  /** The key encrypting those secrets. */
  secretsKey: ["kms:Decrypt"],
} as const;
