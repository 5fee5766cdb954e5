import * as http from "http";
import type { AddressInfo } from "net";

/**
 * A loopback HTTP proxy in front of an emulator that keeps every request (the `x-amz-target`
 * operation and the body) and forwards it unchanged: lets a test assert what a deployed package
 * sent, e.g. that an oversized item never reached DynamoDB.
 */
export async function startRecordingProxy(target: string): Promise<{
  endpoint: string;
  requests: { operation: string; body: string }[];
  stop: () => Promise<void>;
}> {
  const requests: { operation: string; body: string }[] = [];
  const to = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      requests.push({ operation: String(req.headers["x-amz-target"] ?? ""), body: body.toString("utf8") });
      const upstream = http.request(
        {
          host: to.hostname,
          port: to.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: to.host },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", (err) => {
        res.statusCode = 502;
        res.end(String(err));
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
