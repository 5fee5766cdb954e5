/**
 * The streaming runtime: code that runs inside AWS Lambda, as pure functions with injected
 * clients. See runtime/README.md for the contract a Pipeline component must satisfy.
 */
export { streamProcessorFactory, windowAggregatorFactory } from "./lambda/factories";
export { inlineFunction, lambdaCodePathOptions, RUNTIME_ARCHIVE_PATH } from "./lambda/packaging";
export { ENVIRONMENT_VARIABLES, readProcessorEnvironment, readAggregatorEnvironment } from "./lambda/env";
export { createKinesisProcessor } from "./processor/processor";
export type { ProcessorOptions, BatchStats } from "./processor/processor";
export { FIREHOSE_PARTITION_QUERY, TTL_ATTRIBUTE } from "./processor/transform";
export { createWindowAggregator, WINDOW_TABLE_KEY } from "./aggregator/aggregator";
export type { WindowState, WindowResponse } from "./aggregator/aggregator";
export { VERSION_ATTRIBUTE } from "./sinks/dynamodb";
export { dynamoDbPort, firehosePort, objectStorePort } from "./sinks/ports";
export type { DynamoDbPort, FirehosePort, ObjectStorePort } from "./sinks/ports";
export { deadLetterKey } from "./sinks/deadletter";
export type { DeadLetterDocument } from "./sinks/deadletter";
export { jsonLogger } from "./telemetry/log";
export * from "./schemas";
export * from "./perms";
export * from "./errors";
export { SINK_LIMITS, RUNTIME_DEFAULTS, POISON_REASONS } from "./constants";
export type * from "./types";
