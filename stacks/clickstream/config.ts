import { z } from "zod";
import { DomainConfigSchema } from "../../config/domain";
import { DomainStreamingSchema } from "../../components/streaming/domainSettings";

/** Configuration of the clickstream domain (keys `clickstream:*`). */
export const configSchema = DomainConfigSchema.extend({
  /** Peak web events per second; sizes a provisioned stream. Default: on-demand capacity. */
  peakRecordsPerSecond: z
    .number()
    .int()
    .positive({ error: "a positive integer (records per second)" })
    .optional(),
  /** Average event size in bytes. Default 350. */
  averageRecordBytes: z
    .number()
    .int()
    .min(1)
    .max(1_048_576, { error: "at most 1 MB (the Kinesis record limit)" })
    .default(350),
  /** Tumbling window of the page-view counts, seconds. Default 60. */
  windowSeconds: z
    .number()
    .int()
    .min(1)
    .max(900, { error: "1 to 900 seconds (Lambda tumbling windows)" })
    .default(60),
  /** Days events stay in the serving table. Default 30. */
  ttlDays: z.number().int().min(1).max(36_500).default(30),
  /** Overrides of the platform's streaming defaults for this domain. */
  streaming: DomainStreamingSchema.default({}),
});
