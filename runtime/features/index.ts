import { UnknownDataProductError } from "../errors";
import { defineClickstreamFeatures } from "./clickstream";
import type { FeatureSet } from "./types";

/**
 * Feature sets by data product. Builders, not values, for the same reason as the schema registry:
 * an inline Lambda builds its own once per container.
 */
export const FEATURE_SETS = {
  clickstream: defineClickstreamFeatures,
} as const;

/** Data products that have a feature set. */
export function featureSetNames(): string[] {
  return Object.keys(FEATURE_SETS);
}

/**
 * The feature set of a data product.
 *
 * @example
 * buildFeatureSet("clickstream").spec.recordIdentifier; // "visitor_id"
 */
export function buildFeatureSet(dataProduct: string): FeatureSet<unknown> {
  if (!Object.prototype.hasOwnProperty.call(FEATURE_SETS, dataProduct)) {
    throw new UnknownDataProductError(dataProduct, featureSetNames());
  }
  return (FEATURE_SETS[dataProduct as keyof typeof FEATURE_SETS] as () => FeatureSet<unknown>)();
}

export * from "./types";
export { clickstreamFeatureSpec, defineClickstreamFeatures } from "./clickstream";
