import { z } from "zod";
import { DEFAULTS } from "../../config/defaults";
import { deepMerge } from "../../config/load";
import { ENVIRONMENTS, type Environment, StreamingSchema } from "../../config/schema";

/** A domain's streaming settings: the platform's per-environment defaults, overridable per domain. */
export const DomainStreamingSchema = StreamingSchema.partial();

/** The platform's defaults for an environment (`config/defaults.ts`), for settings a domain needs synchronously. */
export function environmentDefaults(stack: string): Record<string, Record<string, unknown>> {
  if (!(ENVIRONMENTS as readonly string[]).includes(stack)) {
    throw new Error(`stack "${stack}" is not an environment (${ENVIRONMENTS.join(", ")})`);
  }
  return deepMerge(DEFAULTS.common, DEFAULTS[stack as Environment]) as Record<
    string,
    Record<string, unknown>
  >;
}

/**
 * The streaming settings of a domain stack: defaults for its environment (the stack name, as for
 * the platform — `config/defaults.ts`, one table for every project) merged with the domain's own
 * `streaming` config, validated against the same limits.
 *
 * @example
 * streamingSettings("prod", { processorReservedConcurrency: 50 }).globalTables; // true
 */
export function streamingSettings(stack: string, overrides: z.infer<typeof DomainStreamingSchema> = {}) {
  const defaults = environmentDefaults(stack);
  return {
    ...StreamingSchema.parse(deepMerge(defaults.streaming, overrides)),
    allowDestroyData: Boolean(defaults.lake.allowDestroyData),
  };
}
