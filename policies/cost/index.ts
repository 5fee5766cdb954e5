export { dynamodbCapacityBounded } from "./dynamodb-capacity-bounded";
export { s3LifecycleConfigured } from "./s3-lifecycle-configured";
