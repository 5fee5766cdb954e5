/**
 * Typed feature specs: what a feature group stores (declared once, read both by the
 * infrastructure, which creates the feature group from it, and by the runtime, which writes
 * records in that shape with `PutRecord`).
 */

/** SageMaker Feature Store feature types. */
export const FEATURE_TYPES = { string: "String", integral: "Integral", fractional: "Fractional" } as const;
export type FeatureType = (typeof FEATURE_TYPES)[keyof typeof FEATURE_TYPES];

/** One feature: its name (Feature Store naming rules) and type. */
export interface FeatureDefinition {
  readonly name: string;
  readonly type: FeatureType;
  /** What the feature means, for docs and the feature group description. */
  readonly description: string;
}

/**
 * A feature group's shape. The record identifier and the event time are features too (the event
 * time a `String` in ISO-8601 with a `Z` offset, as Feature Store requires).
 */
export interface FeatureSpec {
  /** Logical name of the feature set (the feature group name gets the stack's suffix). */
  readonly name: string;
  readonly description: string;
  /** Feature that identifies a record (the online store keeps the latest record per identifier). */
  readonly recordIdentifier: string;
  /** Feature holding the event time. */
  readonly eventTime: string;
  readonly features: readonly FeatureDefinition[];
  /** Feature used as the training label (an `Integral` 0/1 feature for binary classification). */
  readonly label: string;
}

/** A feature value as PutRecord takes it. */
export interface FeatureValue {
  readonly FeatureName: string;
  readonly ValueAsString: string;
}

/** A feature spec and how one validated event of the data product becomes a record. */
export interface FeatureSet<T> {
  readonly spec: FeatureSpec;
  /** The record for one event, or undefined when the event carries no features. */
  toRecord(event: T): FeatureValue[] | undefined;
}

/** Feature Store naming: letters, digits and hyphens/underscores, starting with a letter, at most 64. */
export const FEATURE_NAME = /^[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}$/;

/**
 * Checks a spec the way CreateFeatureGroup would: names valid and unique, identifier and event
 * time among the features, event time a String or Fractional, label an Integral. Returns the
 * problems (empty when the spec is valid).
 *
 * @example
 * specProblems(clickstreamFeatureSpec()); // []
 */
export function specProblems(spec: FeatureSpec): string[] {
  const problems: string[] = [];
  const seen = new Map<string, FeatureType>();
  for (const f of spec.features) {
    if (!FEATURE_NAME.test(f.name)) problems.push(`feature "${f.name}": letters, digits, - and _ (≤ 64)`);
    if (seen.has(f.name)) problems.push(`feature "${f.name}" is declared twice`);
    seen.set(f.name, f.type);
  }
  if (spec.features.length > 2500) problems.push(`${spec.features.length} features: at most 2,500`);
  const id = seen.get(spec.recordIdentifier);
  if (id === undefined) problems.push(`recordIdentifier "${spec.recordIdentifier}" is not a feature`);
  else if (id === "Fractional")
    problems.push(`recordIdentifier "${spec.recordIdentifier}": String or Integral`);
  const time = seen.get(spec.eventTime);
  if (time === undefined) problems.push(`eventTime "${spec.eventTime}" is not a feature`);
  else if (time === "Integral") problems.push(`eventTime "${spec.eventTime}": String or Fractional`);
  const label = seen.get(spec.label);
  if (label === undefined) problems.push(`label "${spec.label}" is not a feature`);
  else if (label !== "Integral") problems.push(`label "${spec.label}": an Integral 0/1 feature`);
  return problems;
}
