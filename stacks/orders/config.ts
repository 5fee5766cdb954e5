import { QuickSightConfigSchema } from "../../components/bi/config";
import { streamingDomainConfigSchema } from "../../components/streaming/dataProduct";

/** Configuration of the orders domain (keys `orders:*`): ~2 KB order events with line items, 5-minute totals, orders kept 400 days. */
export const configSchema = streamingDomainConfigSchema({
  averageRecordBytes: 2048,
  windowSeconds: 300,
  ttlDays: 400,
}).extend({
  /** QuickSight on the curated order roll-ups (`orders:quicksight`). Default off (on in prod). */
  quicksight: QuickSightConfigSchema.prefault({}),
});
