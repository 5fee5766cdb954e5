export { dynamodbDeletionProtection } from "./dynamodb-deletion-protection";
export { dynamodbPitr } from "./dynamodb-pitr";
export { eventSourceMappingFailureHandling } from "./event-source-mapping-failure-handling";
export { kinesisRetention } from "./kinesis-retention";
export { redshiftMultiAz } from "./redshift-multi-az";
export { redshiftSnapshots } from "./redshift-snapshots";
export { s3ReplicationCritical } from "./s3-replication-critical";
export { s3Versioning } from "./s3-versioning";
