import * as http from "http";
import type { AddressInfo } from "net";

/**
 * A loopback HTTP endpoint that accepts every request and never answers it (a hung AWS call: the
 * connection stays open until `stop`). For proving that a deployed package aborts its SDK calls
 * before the invocation's time runs out.
 */
export async function startSilentServer(): Promise<{
  endpoint: string;
  /** Arrival time (epoch ms) and target of each request received. */
  requests: { at: number; target: string }[];
  stop: () => Promise<void>;
}> {
  const requests: { at: number; target: string }[] = [];
  const server = http.createServer((req) => {
    requests.push({
      at: Date.now(),
      target: String(req.headers["x-amz-target"] ?? `${req.method} ${req.url}`),
    });
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
