import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { ItemsPort } from "./ports";

/** The Redis commands the items cache uses (an `ioredis` client, or `ioredis-mock` in tests). */
export interface CacheClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: "EX", seconds: number): Promise<unknown>;
}

export interface CacheStats {
  hits: number;
  misses: number;
  errors: number;
}

/**
 * A read-through cache in front of `GetItem`: a hit answers from Redis, a miss reads DynamoDB and
 * stores the item for `ttlSeconds` (which bounds how stale a cached item may be). Only found items
 * are cached; partition queries are not. A cache error never fails the request: it is counted and
 * DynamoDB answers. A Redis server that accepts connections but does not answer is bounded by the
 * client's own `commandTimeout` (see `redisOptions`), after which DynamoDB answers.
 *
 * @example
 * const items = cachedItems(itemsPort(dynamodb), new Redis({ host, port, password, tls: {} }), { ttlSeconds: 30 });
 */
export function cachedItems(
  items: ItemsPort,
  cache: CacheClient,
  options: { ttlSeconds: number; onError?: (err: unknown) => void },
): ItemsPort & { stats: CacheStats } {
  const stats: CacheStats = { hits: 0, misses: 0, errors: 0 };
  const fail = (err: unknown) => {
    stats.errors++;
    options.onError?.(err);
  };
  return {
    stats,
    query: (input, callOptions) => items.query(input, callOptions),
    getItem: async (input, callOptions) => {
      const key = `items:${input.TableName}:${JSON.stringify(input.Key)}`;
      let cached: string | null = null;
      try {
        cached = await cache.get(key);
      } catch (err) {
        fail(err);
      }
      if (cached !== null) {
        stats.hits++;
        return { Item: JSON.parse(cached) as Record<string, AttributeValue> };
      }
      stats.misses++;
      const res = await items.getItem(input, callOptions);
      if (res.Item) {
        try {
          await cache.set(key, JSON.stringify(res.Item), "EX", options.ttlSeconds);
        } catch (err) {
          fail(err);
        }
      }
      return res;
    },
  };
}
