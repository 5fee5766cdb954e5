import { marshall } from "@aws-sdk/util-dynamodb";
import { defineOrders } from "../schemas";
import {
  DEAD_LETTER_BUCKET as BUCKET,
  startDeployedFixture,
  type DeployedFixture,
} from "../testing/deployed-fixture";
import { kinesisRecord, orderEvent, seededRandom } from "../testing/events";

/*
 * The marshalling as it ships: the stream processor's deployment package (built as the plan builds
 * it, loaded in a fresh Node process with only the package and the SDK) writes orders, and the
 * PutItem requests it sends are compared with `@aws-sdk/util-dynamodb`'s `marshall` of the items
 * `toItem` gives. Orders exercise every compiled shape: the item with and without an address, line
 * items with and without a name, prices and totals with decimals.
 */

let f: DeployedFixture;
beforeAll(async () => {
  f = await startDeployedFixture(["streamProcessor"]);
}, 120_000);
afterAll(() => f?.stop());

it("sends DynamoDB the attribute values util-dynamodb gives for each order, lines and address included", async () => {
  // Arrange: orders of 1-6 lines with random prices and quantities, some named, half with an address.
  const orders = defineOrders();
  const rnd = seededRandom(25);
  const events = Array.from({ length: 40 }, (_, i) => {
    const address = {
      country: "FR",
      postalCode: `750${i % 10}${i % 7}`,
      city: i % 3 ? "Paris" : "Saint-Étienne",
    };
    const e = orderEvent(i, i % 2 ? { shippingAddress: address, status: "paid" } : {}, 1 + (i % 6));
    for (const [j, line] of e.items.entries()) {
      line.price = Math.round(rnd() * 10 ** (2 + (j % 4))) / 10 ** (j % 4);
      line.qty = 1 + Math.floor(rnd() * 50);
      if ((i + j) % 3 === 0) line.name = `Lampe n° ${j} — ${"x".repeat(j)}`;
    }
    e.total = Math.round(e.items.reduce((s, x) => s + x.qty * x.price, 0) * 100) / 100;
    return e;
  });
  const table = await f.table(orders.tableKey);
  const before = f.dynamo.requests.length;

  // Act
  const { results } = await f.invoke(
    "streamProcessor",
    [{ Records: events.map((e, i) => kinesisRecord(JSON.stringify(e), 7000 + i)) }],
    {
      DATA_PRODUCT: "orders",
      TABLE_NAME: table,
      DEAD_LETTER_BUCKET: BUCKET,
      DEAD_LETTER_PREFIX: `${table}/`,
    },
  );

  // Assert: one PutItem per order, whose item starts with exactly util-dynamodb's attribute values
  // of `toItem`, in the same order (the runtime's own attributes follow).
  expect(results).toEqual([{ ok: true, value: { batchItemFailures: [] } }]);
  const puts = f.dynamo.requests
    .slice(before)
    .filter((r) => r.operation === "DynamoDB_20120810.PutItem")
    .map((r) => (JSON.parse(r.body) as { Item: Record<string, unknown> }).Item);
  expect(puts).toHaveLength(events.length);
  for (const e of events) {
    const expected = marshall(orders.toItem(orders.schema.parse(e)), { removeUndefinedValues: true });
    const sent = puts.find((p) => JSON.stringify(p.orderId) === JSON.stringify(expected.orderId));
    expect(sent).toBeDefined();
    const names = Object.keys(expected);
    expect(Object.keys(sent!).slice(0, names.length)).toEqual(names);
    expect(JSON.stringify(Object.fromEntries(names.map((k) => [k, sent![k]])))).toBe(
      JSON.stringify(expected),
    );
  }
});
