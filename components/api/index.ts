export {
  ACCESS_LOG_PREFIX,
  API_CONTAINER_PORT,
  API_SERVICE_NAME,
  ApiService,
  apiDomainsEnv,
  apiMetrics,
  FARGATE_SIZES,
  type ApiCache,
  type ApiDomain,
  type ApiServiceArgs,
} from "./apiService";
export { API_EXECUTION_ACTIONS, API_TASK_ACTIONS } from "./perms";
export {
  accessLogBucketPolicy,
  apiExecutionPolicy,
  apiTaskPolicy,
  endpointArnNear,
  tableArnNear,
  type DomainArns,
} from "./policies";
