import * as http from "http";
import type { AddressInfo } from "net";

/**
 * A loopback HTTP endpoint that speaks the Feature Store runtime's `PutRecord`
 * (`PUT /FeatureGroup/<name>`, REST-JSON) for processes that use a real SDK client, e.g. a deployed
 * closure run in a fresh Node process. (No Feature Store emulator exists on npm.) It keeps every
 * record by feature group.
 */
export async function startFeatureStoreServer(): Promise<{
  endpoint: string;
  records: { featureGroupName: string; record: { FeatureName: string; ValueAsString: string }[] }[];
  stop: () => Promise<void>;
}> {
  const records: { featureGroupName: string; record: { FeatureName: string; ValueAsString: string }[] }[] =
    [];
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
      records.push({ featureGroupName: decodeURIComponent(m[1]), record: body.Record });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    records,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
