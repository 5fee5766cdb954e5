import * as http from "http";
import type { AddressInfo } from "net";

/** A request the proxy saw: the `x-amz-target` operation and the body. */
export interface RecordedRequest {
  readonly operation: string;
  readonly body: string;
}

/**
 * An answer given instead of forwarding: an AWS JSON-protocol error (e.g. DynamoDB's
 * ValidationException), or a whole successful response (e.g. BatchWriteItem's `UnprocessedItems`).
 */
export type InjectedError =
  | {
      readonly status: number;
      /** The error's `__type`, e.g. `com.amazon.coral.validate#ValidationException`. */
      readonly type: string;
      readonly message: string;
    }
  | { readonly status: 200; readonly json: unknown };

export interface RecordingProxy {
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  /**
   * Decides per request whether to answer with an error instead of forwarding it; undefined
   * forwards. Set and reset by a test to make the service refuse what it names.
   */
  intercept: ((request: RecordedRequest) => InjectedError | undefined) | undefined;
  stop(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of an emulator that keeps every request (the `x-amz-target`
 * operation and the body) and forwards it unchanged, unless `intercept` answers it with an error:
 * lets a test assert what a deployed package sent (e.g. that an oversized item never reached
 * DynamoDB) and make the service refuse a request the emulator would accept.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  const to = new URL(target);
  const proxy: { intercept: RecordingProxy["intercept"] } = { intercept: undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const request = { operation: String(req.headers["x-amz-target"] ?? ""), body: body.toString("utf8") };
      requests.push(request);
      const refusal = proxy.intercept?.(request);
      if (refusal) {
        res.writeHead(refusal.status, { "content-type": "application/x-amz-json-1.0" });
        res.end(
          JSON.stringify(
            "json" in refusal ? refusal.json : { __type: refusal.type, message: refusal.message },
          ),
        );
        return;
      }
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
    get intercept() {
      return proxy.intercept;
    },
    set intercept(fn) {
      proxy.intercept = fn;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
