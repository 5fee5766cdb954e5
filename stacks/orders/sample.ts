import { orderEvent } from "../../runtime/testing/events";

/*
 * Sample orders for `npm run sample` and the local run (cli/local/sample.ts finds this file): a
 * hand-written generator instead of the one derived from the schema, so samples exercise what
 * matters for orders — latest-state writes with versions (every third record moves an earlier
 * order forward) and realistic line items.
 */

const STATUS_FLOW = ["created", "paid", "shipped"] as const;
const CURRENCIES = ["EUR", "USD", "GBP"] as const;

/** Record `i` of a sample, varied by the seeded `random`. */
export function sample(i: number, random: () => number): object {
  const order = i % 3 === 2 ? i - 2 : i;
  const status = STATUS_FLOW[i % 3 === 2 ? 1 : 0];
  return orderEvent(
    order,
    {
      status,
      currency: CURRENCIES[Math.floor(random() * CURRENCIES.length)],
      occurredAt: new Date(Date.now() - 60_000 + i).toISOString(),
    },
    1 + Math.floor(random() * 4),
  );
}
