import { AUTH_TOKEN, redisCacheProblems } from "./redisCache";

describe("the Redis cache's arguments", () => {
  it("needs a replica for automatic failover", () => {
    expect(redisCacheProblems({ nodes: 1, multiAz: true, snapshotRetentionDays: 1 })).toEqual([
      "nodes = 1: at least 2 with multiAz (automatic failover needs a replica)",
    ]);
    expect(redisCacheProblems({ nodes: 2, multiAz: true, snapshotRetentionDays: 7 })).toEqual([]);
  });

  it("keeps node count and snapshot retention within ElastiCache's limits", () => {
    expect(redisCacheProblems({ nodes: 7, multiAz: false, snapshotRetentionDays: 36 })).toEqual([
      "nodes = 7: an integer from 1 to 6 (a primary and up to 5 replicas)",
      "snapshotRetentionDays = 36: an integer from 0 to 35",
    ]);
  });

  it('generates an AUTH token Redis accepts (16-128 characters, none of @ " /)', () => {
    expect(AUTH_TOKEN.length).toBeGreaterThanOrEqual(16);
    expect(AUTH_TOKEN.length).toBeLessThanOrEqual(128);
    expect(AUTH_TOKEN.special).toBe(false);
  });
});
