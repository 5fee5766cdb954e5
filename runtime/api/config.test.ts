import { readApiConfig } from "./config";

const BASE = {
  API_DOMAINS: JSON.stringify({ orders: { streamName: "orders-s", tableName: "orders-t" } }),
  AUTH_ISSUER: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X",
  AUTH_AUDIENCE: "client-1",
  AUTH_JWKS_URL: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X/.well-known/jwks.json",
};

describe("API configuration from the environment", () => {
  it("reads domains, auth and defaults, and no cache unless CACHE_HOST is set", () => {
    const c = readApiConfig(BASE);
    expect(c.domains).toEqual({
      orders: { dataProduct: "orders", streamName: "orders-s", tableName: "orders-t" },
    });
    expect([c.port, c.maxBodyBytes, c.maxEventsPerRequest]).toEqual([8080, 1024 * 1024, 500]);
    expect([c.ingestBudgetMs, c.readBudgetMs, c.predictBudgetMs]).toEqual([10_000, 3_000, 10_000]);
    expect(readApiConfig({ ...BASE, READ_BUDGET_MS: "500", PREDICT_BUDGET_MS: "2500" })).toMatchObject({
      readBudgetMs: 500,
      predictBudgetMs: 2500,
    });
    expect(c.cache).toBeUndefined();
    expect(readApiConfig({ ...BASE, CACHE_HOST: "cache.local", CACHE_AUTH_TOKEN: "t" }).cache).toEqual({
      host: "cache.local",
      port: 6379,
      authToken: "t",
      tls: true,
      ttlSeconds: 30,
    });
  });

  it.each([
    [{ API_DOMAINS: undefined }, /API_DOMAINS = \(not set\): JSON object/],
    [{ API_DOMAINS: "{oops" }, /API_DOMAINS = "\{oops": a JSON object/],
    [
      { API_DOMAINS: JSON.stringify({ billing: { streamName: "s", tableName: "t" } }) },
      /data product "billing" is not one of clickstream, orders/,
    ],
    [
      { API_DOMAINS: JSON.stringify({ orders: { streamName: "s" } }) },
      /domain "orders": streamName and tableName are required/,
    ],
    [{ AUTH_JWKS_URL: "jwks.json" }, /AUTH_JWKS_URL = "jwks.json": an http\(s\) URL/],
    [{ AUTH_AUDIENCE: "" }, /AUTH_AUDIENCE = "": JWT audience/],
    [{ PORT: "eighty" }, /PORT = "eighty": a positive integer/],
    [{ READ_BUDGET_MS: "0" }, /READ_BUDGET_MS = "0": a positive integer/],
    [{ PREDICT_BUDGET_MS: "1.5" }, /PREDICT_BUDGET_MS = "1.5": a positive integer/],
  ])("refuses %j naming the variable, the value and what it accepts", (override, message) => {
    expect(() => readApiConfig({ ...BASE, ...override })).toThrow(message);
  });
});
