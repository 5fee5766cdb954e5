import * as http from "http";
import type { AddressInfo } from "net";

/**
 * A loopback HTTP endpoint that speaks Firehose's `PutRecordBatch` (JSON 1.1 protocol) for
 * processes that use a real SDK client, e.g. a deployed closure run in a fresh Node process.
 * (No Firehose emulator exists on npm.) It keeps every record it accepts, in `records` and per
 * delivery stream in `byStream`; `entryError` (set by a test) refuses single entries of a call the
 * way Firehose does (`FailedPutCount`, an `ErrorCode` per refused entry), and `calls` counts calls.
 */
export async function startFirehoseServer(): Promise<{
  endpoint: string;
  records: string[];
  byStream: Map<string, string[]>;
  calls: { stream: string; entries: number }[];
  /** The error code to refuse an entry with (`call` counts from 0), or undefined to accept it. */
  entryError: ((data: string, call: number) => string | undefined) | undefined;
  stop: () => Promise<void>;
}> {
  const records: string[] = [];
  const byStream = new Map<string, string[]>();
  const calls: { stream: string; entries: number }[] = [];
  const hooks: { entryError: ((data: string, call: number) => string | undefined) | undefined } = {
    entryError: undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      res.setHeader("content-type", "application/x-amz-json-1.1");
      if (target !== "Firehose_20150804.PutRecordBatch") {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: "UnknownOperationException", message: target }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        DeliveryStreamName: string;
        Records: { Data: string }[];
      };
      const stream = byStream.get(body.DeliveryStreamName) ?? [];
      byStream.set(body.DeliveryStreamName, stream);
      const call = calls.length;
      calls.push({ stream: body.DeliveryStreamName, entries: body.Records.length });
      let failed = 0;
      const responses = body.Records.map((r, i) => {
        const data = Buffer.from(r.Data, "base64").toString("utf8");
        const error = hooks.entryError?.(data, call);
        if (error) {
          failed++;
          return { ErrorCode: error, ErrorMessage: "refused by the test" };
        }
        records.push(data);
        stream.push(data);
        return { RecordId: `record-${records.length}-${i}` };
      });
      res.end(JSON.stringify({ FailedPutCount: failed, Encrypted: false, RequestResponses: responses }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    records,
    byStream,
    calls,
    get entryError() {
      return hooks.entryError;
    },
    set entryError(fn) {
      hooks.entryError = fn;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
