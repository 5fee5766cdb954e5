import type { ClickstreamEvent } from "../schemas";
import type { FeatureSet, FeatureSpec } from "./types";

/**
 * The clickstream feature set (purchase propensity): one record per visitor (the user id, or the
 * session for anonymous visitors) holding what their latest event says. The online store serves
 * the latest record per visitor to the inference API; the offline store keeps every record for
 * training, with `is_purchase` as the label.
 */
export function clickstreamFeatureSpec(): FeatureSpec {
  return {
    name: "clickstream-visitor",
    description: "Latest web activity per visitor (purchase propensity)",
    recordIdentifier: "visitor_id",
    eventTime: "event_time",
    label: "is_purchase",
    features: [
      { name: "visitor_id", type: "String", description: "user id, or session:<sessionId> when anonymous" },
      { name: "event_time", type: "String", description: "event time, ISO-8601 UTC" },
      { name: "session_id", type: "String", description: "session of the event" },
      {
        name: "event_type",
        type: "String",
        description: "page_view, click, scroll, form_submit, purchase, custom",
      },
      { name: "page", type: "String", description: "page path" },
      { name: "is_authenticated", type: "Integral", description: "1 when the visitor is signed in" },
      { name: "has_referrer", type: "Integral", description: "1 when the event has a referrer" },
      { name: "path_depth", type: "Integral", description: "number of path segments of the page" },
      { name: "hour_of_day", type: "Integral", description: "UTC hour of the event (0-23)" },
      { name: "is_purchase", type: "Integral", description: "1 for a purchase event (training label)" },
    ],
  };
}

/** Feature Store wants event times in UTC with a `Z` (the schema accepts any offset). */
function utc(iso: string): string {
  return new Date(iso).toISOString();
}

/**
 * The clickstream feature set: spec and event → record.
 *
 * @example
 * defineClickstreamFeatures().toRecord(event); // [{ FeatureName: "visitor_id", ValueAsString: "u-1" }, ...]
 */
export function defineClickstreamFeatures(): FeatureSet<ClickstreamEvent> {
  return {
    spec: clickstreamFeatureSpec(),
    toRecord: (e) => {
      const time = utc(e.occurredAt);
      const values: Record<string, string> = {
        visitor_id: e.userId ?? `session:${e.sessionId}`,
        event_time: time,
        session_id: e.sessionId,
        event_type: e.eventType,
        page: e.page,
        is_authenticated: e.userId === undefined ? "0" : "1",
        has_referrer: e.referrer ? "1" : "0",
        path_depth: String(e.page.split("/").filter(Boolean).length),
        hour_of_day: String(new Date(time).getUTCHours()),
        is_purchase: e.eventType === "purchase" ? "1" : "0",
      };
      return Object.entries(values).map(([FeatureName, ValueAsString]) => ({ FeatureName, ValueAsString }));
    },
  };
}
