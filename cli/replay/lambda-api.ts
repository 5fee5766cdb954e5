import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { Invoker } from "../local/poller";

/*
 * The part of the Lambda REST API (2015-03-31) a replay uses, on loopback, in front of local
 * functions (e.g. a `LocalFunction` running the serialized closure): `Invoke` (RequestResponse),
 * `GetFunctionConfiguration` and `ListEventSourceMappings`. `@aws-sdk/client-lambda` pointed at it
 * (`endpoint`, or `AWS_ENDPOINT_URL_LAMBDA`) talks the real wire format, so the replay's AWS code
 * path runs offline. Errors use Lambda's shapes: `X-Amz-Function-Error: Unhandled` with
 * `{ errorType, errorMessage }` for a function error, `x-amzn-ErrorType` for API errors.
 */

/** An event source mapping as `ListEventSourceMappings` returns it. */
export interface ApiMapping {
  readonly uuid: string;
  readonly eventSourceArn: string;
  readonly batchSize: number;
  readonly parallelizationFactor?: number;
  readonly reportBatchItemFailures?: boolean;
  readonly bisectOnError?: boolean;
  readonly maximumRetryAttempts?: number;
  readonly tumblingWindowSeconds?: number;
}

export interface ApiFunction {
  readonly name: string;
  readonly invoker: Invoker;
  /** Execution role ARN. Default `arn:aws:iam::<account>:role/<name>-role`. */
  readonly role?: string;
  readonly mappings?: readonly ApiMapping[];
}

export interface LambdaApi {
  readonly endpoint: string;
  /** `arn:aws:lambda:<region>:<account>:function:<name>` */
  arnOf(name: string): string;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    "x-amzn-requestid": `local-${Date.now().toString(36)}`,
    ...headers,
  });
  res.end(text);
}

function apiError(res: http.ServerResponse, status: number, type: string, message: string) {
  send(res, status, { Type: status < 500 ? "User" : "Service", message }, { "x-amzn-errortype": type });
}

/**
 * Starts the API on `127.0.0.1:<port>` (0 = any free port).
 *
 * @example
 * const api = await startLambdaApi([{ name: "orders-processor", invoker: localFunction }]);
 * const lambda = new LambdaClient({ endpoint: api.endpoint, region: "us-east-1" });
 */
export async function startLambdaApi(
  functions: readonly ApiFunction[],
  options: { port?: number; region?: string; account?: string } = {},
): Promise<LambdaApi> {
  const region = options.region ?? "us-east-1";
  const account = options.account ?? "000000000000";
  const arnOf = (name: string) => `arn:aws:lambda:${region}:${account}:function:${name}`;
  /** A name, a full ARN or a partial ARN (`<account>:function:<name>`), with an optional qualifier. */
  const find = (ref: string) => {
    const name = /(?:^|:)function:([^:]+)/.exec(ref)?.[1] ?? ref.split(":")[0];
    return functions.find((f) => f.name === name);
  };
  const configuration = (f: ApiFunction) => ({
    FunctionName: f.name,
    FunctionArn: arnOf(f.name),
    Role: f.role ?? `arn:aws:iam::${account}:role/${f.name}-role`,
    Runtime: "nodejs22.x",
    Handler: "__index.handler",
    Version: "$LATEST",
    State: "Active",
    PackageType: "Zip",
  });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const parts = url.pathname.split("/").map(decodeURIComponent);
      // ["", "2015-03-31", "functions", name, "invocations" | "configuration"]
      if (parts[1] !== "2015-03-31") return apiError(res, 404, "UnknownOperationException", url.pathname);
      if (parts[2] === "functions" && parts.length === 5) {
        const f = find(parts[3]);
        if (!f) return apiError(res, 404, "ResourceNotFoundException", `Function not found: ${parts[3]}`);
        if (req.method === "GET" && parts[4] === "configuration") return send(res, 200, configuration(f));
        if (req.method === "POST" && parts[4] === "invocations") {
          const type = req.headers["x-amz-invocation-type"] ?? "RequestResponse";
          if (type !== "RequestResponse") {
            return apiError(
              res,
              400,
              "InvalidParameterValueException",
              `only RequestResponse is served here`,
            );
          }
          let event: unknown;
          try {
            event = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
          } catch {
            return apiError(
              res,
              400,
              "InvalidRequestContentException",
              "Could not parse request body into json",
            );
          }
          f.invoker.invoke(event).then(
            (r) =>
              r.ok
                ? send(res, 200, r.payload === undefined ? "null" : JSON.stringify(r.payload), {
                    "x-amz-executed-version": "$LATEST",
                  })
                : send(
                    res,
                    200,
                    { errorType: r.error.split(":")[0] || "Error", errorMessage: r.error },
                    { "x-amz-function-error": "Unhandled", "x-amz-executed-version": "$LATEST" },
                  ),
            (err: unknown) => apiError(res, 500, "ServiceException", String(err)),
          );
          return;
        }
      }
      if (req.method === "GET" && parts[2] === "event-source-mappings" && (parts[3] ?? "") === "") {
        const fnRef = url.searchParams.get("FunctionName");
        const source = url.searchParams.get("EventSourceArn");
        const owners = fnRef ? [find(fnRef)].filter((f): f is ApiFunction => f !== undefined) : functions;
        const mappings = owners.flatMap((f) =>
          (f.mappings ?? [])
            .filter((m) => !source || m.eventSourceArn === source)
            .map((m) => ({
              UUID: m.uuid,
              EventSourceArn: m.eventSourceArn,
              FunctionArn: arnOf(f.name),
              BatchSize: m.batchSize,
              ParallelizationFactor: m.parallelizationFactor ?? 1,
              FunctionResponseTypes: m.reportBatchItemFailures ? ["ReportBatchItemFailures"] : [],
              BisectBatchOnFunctionError: m.bisectOnError ?? false,
              MaximumRetryAttempts: m.maximumRetryAttempts ?? -1,
              ...(m.tumblingWindowSeconds ? { TumblingWindowInSeconds: m.tumblingWindowSeconds } : {}),
              StartingPosition: "TRIM_HORIZON",
              State: "Enabled",
            })),
        );
        return send(res, 200, { EventSourceMappings: mappings });
      }
      apiError(res, 404, "UnknownOperationException", `${req.method} ${url.pathname}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    arnOf,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
