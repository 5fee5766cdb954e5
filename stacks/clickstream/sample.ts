import { clickstreamEvent } from "../../runtime/testing/events";

/*
 * Sample web events for `npm run sample` and the local run (cli/local/sample.ts finds this file): a
 * hand-written generator instead of the one derived from the schema, so pages repeat (the page-view
 * windows count something) and sessions group events as real traffic does.
 */

/** Record `i` of a sample, varied by the seeded `random`. */
export function sample(i: number, random: () => number): object {
  return clickstreamEvent(i, {
    eventId: `evt-${i}-${Math.floor(random() * 1e9).toString(36)}`,
    occurredAt: new Date(Date.now() - 60_000 + i).toISOString(),
  });
}
