import { resourcePolicy } from "../lib/policy";
import { asList, numberOf, present } from "../lib/values";

/** Stream sources (Kinesis, DynamoDB streams, Kafka) take a starting position; queues do not. */
const isStreamSource = (props: Record<string, unknown>) => present(props, "startingPosition");

export const eventSourceMappingFailureHandling = resourcePolicy({
  name: "event-source-mapping-failure-handling",
  description:
    "Stream event source mappings retry a bounded number of times, send failed batches to a destination and report partial batch failures.",
  severity: "high",
  concern: "resilience",
  remediationSteps:
    "Set maximumRetryAttempts (0-10000, not -1), maximumRecordAgeInSeconds, destinationConfig.onFailure.destinationArn and functionResponseTypes [ReportBatchItemFailures].",
  resourceTypes: ["aws:lambda/eventSourceMapping:EventSourceMapping"],
  rules: [
    {
      id: "finite-retries",
      check: ({ props }) => {
        if (!isStreamSource(props)) return undefined;
        const retries = numberOf(props.maximumRetryAttempts);
        return retries === undefined || retries < 0
          ? "Set maximumRetryAttempts to a finite number (the default -1 lets one poison record block a shard until it expires)."
          : undefined;
      },
    },
    {
      id: "finite-record-age",
      check: ({ props }) => {
        if (!isStreamSource(props)) return undefined;
        const age = numberOf(props.maximumRecordAgeInSeconds);
        return age === undefined || age < 0
          ? "Set maximumRecordAgeInSeconds (60-604800) instead of the infinite default."
          : undefined;
      },
    },
    {
      id: "on-failure-destination",
      check: ({ props }) =>
        isStreamSource(props) && !present(props, "destinationConfig", "onFailure", "destinationArn")
          ? "Set destinationConfig.onFailure.destinationArn to a dead-letter queue, topic or bucket."
          : undefined,
    },
    {
      id: "partial-batch-response",
      check: ({ props }) =>
        asList(props.functionResponseTypes).includes("ReportBatchItemFailures")
          ? undefined
          : "Set functionResponseTypes to [ReportBatchItemFailures] and return batchItemFailures from the handler.",
    },
  ],
});
