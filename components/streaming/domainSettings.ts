import { z } from "zod";
import { deepMerge } from "../../config/load";
import { StreamingSchema } from "../../config/schema";
import type { PlatformOutputs } from "../../contracts/platform";

/** A domain's streaming settings: the platform's, overridable per domain. */
export const DomainStreamingSchema = StreamingSchema.partial();

/**
 * The streaming settings of a domain stack: the platform stack's `settings.streaming` (its
 * `data-platform:streaming` config, exported in the contract) merged with the domain's own
 * `streaming` overrides, validated against the same limits; plus the platform's
 * `lake.allowDestroyData`.
 *
 * @example
 * streamingSettings(platform.settings, { processorReservedConcurrency: 50 }).globalTables;
 */
export function streamingSettings(
  platform: PlatformOutputs["settings"],
  overrides: z.infer<typeof DomainStreamingSchema> = {},
) {
  return {
    ...StreamingSchema.parse(deepMerge({ ...platform.streaming }, overrides)),
    allowDestroyData: platform.lake.allowDestroyData,
  };
}
