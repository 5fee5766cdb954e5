import * as http from "http";
import type { AddressInfo } from "net";

/** One `PutRecord` request: the feature group and the record's features. */
export interface FeatureStorePut {
  readonly featureGroupName: string;
  readonly record: { FeatureName: string; ValueAsString: string }[];
}

/** A REST-JSON error answered instead of storing (e.g. `ValidationError` 400, `ThrottlingException` 400). */
export interface FeatureStoreError {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

/**
 * A loopback HTTP endpoint that speaks the Feature Store runtime's `PutRecord`
 * (`PUT /FeatureGroup/<name>`, REST-JSON) for processes that use a real SDK client, e.g. a deployed
 * closure run in a fresh Node process. (No Feature Store emulator exists on npm.) It keeps every
 * record it accepts by feature group; `intercept` (set by a test) answers a request with an error
 * instead, and `attempts` counts every request, refused or not.
 */
export async function startFeatureStoreServer(): Promise<{
  endpoint: string;
  records: FeatureStorePut[];
  attempts: FeatureStorePut[];
  intercept: ((put: FeatureStorePut, attempt: number) => FeatureStoreError | undefined) | undefined;
  stop: () => Promise<void>;
}> {
  const records: FeatureStorePut[] = [];
  const attempts: FeatureStorePut[] = [];
  const hooks: {
    intercept: ((put: FeatureStorePut, attempt: number) => FeatureStoreError | undefined) | undefined;
  } = { intercept: undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const m = /^\/FeatureGroup\/([^/?]+)/.exec(req.url ?? "");
      res.setHeader("content-type", "application/json");
      if (req.method !== "PUT" || !m) {
        res.statusCode = 400;
        res.setHeader("x-amzn-errortype", "ValidationError");
        res.end(JSON.stringify({ message: `unsupported ${req.method} ${req.url}` }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        Record: { FeatureName: string; ValueAsString: string }[];
      };
      const put = { featureGroupName: decodeURIComponent(m[1]), record: body.Record };
      attempts.push(put);
      const refusal = hooks.intercept?.(put, attempts.length);
      if (refusal) {
        res.statusCode = refusal.status;
        res.setHeader("x-amzn-errortype", refusal.type);
        res.end(JSON.stringify({ message: refusal.message }));
        return;
      }
      records.push(put);
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    records,
    attempts,
    get intercept() {
      return hooks.intercept;
    },
    set intercept(fn) {
      hooks.intercept = fn;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
