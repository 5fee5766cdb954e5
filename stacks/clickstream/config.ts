import { streamingDomainConfigSchema } from "../../components/streaming/dataProduct";

/** Configuration of the clickstream domain (keys `clickstream:*`): ~350-byte web events, 60 s page-view windows, 30 days in the serving table. */
export const configSchema = streamingDomainConfigSchema({
  averageRecordBytes: 350,
  windowSeconds: 60,
  ttlDays: 30,
});
