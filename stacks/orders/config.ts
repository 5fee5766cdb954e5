import { z } from "zod";
import { DomainConfigSchema } from "../../config/domain";
import { DomainStreamingSchema } from "../../components/streaming/domainSettings";

/** Configuration of the orders domain (keys `orders:*`). */
export const configSchema = DomainConfigSchema.extend({
  /** Peak order events per second; sizes a provisioned stream. Default: on-demand capacity. */
  peakRecordsPerSecond: z
    .number()
    .int()
    .positive({ error: "a positive integer (records per second)" })
    .optional(),
  /** Average order event size in bytes (orders carry line items). Default 2048. */
  averageRecordBytes: z
    .number()
    .int()
    .min(1)
    .max(1_048_576, { error: "at most 1 MB (the Kinesis record limit)" })
    .default(2048),
  /** Tumbling window of the order-totals aggregate, seconds. Default 300. */
  windowSeconds: z
    .number()
    .int()
    .min(1)
    .max(900, { error: "1 to 900 seconds (Lambda tumbling windows)" })
    .default(300),
  /** Days orders stay in the serving table after their last event. Default 400. */
  ttlDays: z.number().int().min(1).max(36_500).default(400),
  /** Overrides of the platform's streaming defaults for this domain. */
  streaming: DomainStreamingSchema.default({}),
});
