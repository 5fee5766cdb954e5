import { streamingDomainConfigSchema } from "../../components/streaming/dataProduct";

/** Configuration of the orders domain (keys `orders:*`): ~2 KB order events with line items, 5-minute totals, orders kept 400 days. */
export const configSchema = streamingDomainConfigSchema({
  averageRecordBytes: 2048,
  windowSeconds: 300,
  ttlDays: 400,
});
