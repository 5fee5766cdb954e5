import RedisMock from "ioredis-mock";
import { dynamoDbPort } from "../sinks/ports";
import { marshallItem } from "../sinks/marshall";
import { createTable, startEmulators, type Emulators } from "../testing/emulators";
import { cachedItems, type CacheClient } from "./cache";
import { itemsPort, type ItemsPort } from "./ports";

let emu: Emulators;
beforeAll(async () => {
  emu = await startEmulators();
  await createTable(emu.dynamodb, "orders-cache", { hashKey: "orderId" });
  await dynamoDbPort(emu.dynamodb).putItem({
    TableName: "orders-cache",
    Item: marshallItem({ orderId: "o-1", status: "created", total: 12.5 }),
  });
});
afterAll(async () => {
  await emu?.stop();
});

/** The real DynamoDB port over dynalite, counting GetItem calls. */
function counted(): { port: ItemsPort; calls: () => number } {
  const real = itemsPort(emu.dynamodb);
  let n = 0;
  return {
    port: { query: real.query, getItem: (i) => (n++, real.getItem(i)) },
    calls: () => n,
  };
}

// ioredis-mock shares data between instances with the same host and port: one port per test.
let port = 16_000;
const redis = () =>
  new RedisMock({ port: ++port }) as unknown as CacheClient & { ttl(k: string): Promise<number> };

const get = (items: ItemsPort, orderId: string) =>
  items.getItem({ TableName: "orders-cache", Key: marshallItem({ orderId }) });

describe("items read-through cache", () => {
  it("answers repeated reads from Redis and reads DynamoDB once per key", async () => {
    const db = counted();
    const items = cachedItems(db.port, redis(), { ttlSeconds: 30 });
    const first = await get(items, "o-1");
    const second = await get(items, "o-1");
    expect(second.Item).toEqual(first.Item);
    expect(first.Item?.status).toEqual({ S: "created" });
    expect(db.calls()).toBe(1);
    expect(items.stats).toEqual({ hits: 1, misses: 1, errors: 0 });
  });

  it("does not cache a missing item, so it is found once it is written", async () => {
    const db = counted();
    const items = cachedItems(db.port, redis(), { ttlSeconds: 30 });
    expect((await get(items, "o-2")).Item).toBeUndefined();
    await dynamoDbPort(emu.dynamodb).putItem({
      TableName: "orders-cache",
      Item: marshallItem({ orderId: "o-2", status: "paid" }),
    });
    expect((await get(items, "o-2")).Item?.status).toEqual({ S: "paid" });
    expect(db.calls()).toBe(2);
  });

  it("keeps answering from DynamoDB when Redis fails", async () => {
    const db = counted();
    const errors: unknown[] = [];
    const broken: CacheClient = {
      get: async () => {
        throw new Error("ECONNREFUSED");
      },
      set: async () => {
        throw new Error("ECONNREFUSED");
      },
    };
    const items = cachedItems(db.port, broken, { ttlSeconds: 30, onError: (e) => errors.push(e) });
    expect((await get(items, "o-1")).Item?.orderId).toEqual({ S: "o-1" });
    expect(items.stats).toEqual({ hits: 0, misses: 1, errors: 2 });
    expect(errors).toHaveLength(2);
  });

  it("expires cached items after the TTL", async () => {
    const cache = redis();
    const items = cachedItems(counted().port, cache, { ttlSeconds: 7 });
    await get(items, "o-1");
    const key = `items:orders-cache:${JSON.stringify(marshallItem({ orderId: "o-1" }))}`;
    expect(await cache.ttl(key)).toBe(7);
  });
});
