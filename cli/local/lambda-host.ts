/*
 * One local Lambda container: a fresh plain Node process (this file compiled to JavaScript by
 * `functions.ts`, no TypeScript loader) that loads a function's deployment package
 * (`LAMBDA_TASK_ROOT`) exactly as written from the plan, and invokes its handler with
 * `(event, context)` for every message from the parent. Modules resolve like in Lambda: the
 * package's own `node_modules`, then `NODE_PATH` (the SDK the Lambda runtime provides) — never the
 * repository's `node_modules`, so a package missing from the deployment fails here too.
 */
import { randomUUID } from "node:crypto";
import * as path from "node:path";

interface InvokeMessage {
  readonly id: number;
  readonly event: unknown;
  readonly deadline: number;
}

const root = process.env.LAMBDA_TASK_ROOT!;
const [file, exportName] = (() => {
  const h = process.env._HANDLER ?? "index.handler";
  const dot = h.lastIndexOf(".");
  return [h.slice(0, dot), h.slice(dot + 1)];
})();

// Code of the package resolves modules only from the package and NODE_PATH (Module.globalPaths),
// as in Lambda; the provided SDK (linked from elsewhere) keeps resolving its own dependencies.
const Module = require("node:module") as { _nodeModulePaths(from: string): string[] };
const taskModules = path.join(root, "node_modules");
const original = Module._nodeModulePaths.bind(Module);
Module._nodeModulePaths = (from: string) =>
  from === root || from.startsWith(root + path.sep) ? [taskModules] : original(from);

const send = (m: unknown) => process.send!(m);
// The parent (the local run) is gone, e.g. killed: a container never outlives it.
process.on("disconnect", () => process.exit(0));
// Ctrl-C in the terminal reaches the whole process group, containers too. As in Lambda, the
// platform decides when a container stops: the local run stops its pollers (their final window
// invokes included) and then its containers (SIGTERM), or its exit disconnects them (above).
process.on("SIGINT", () => undefined);

let handler: (event: unknown, context: unknown) => unknown;
try {
  const mod = require(path.join(root, file)) as Record<string, unknown>;
  const h = mod[exportName];
  if (typeof h !== "function")
    throw new Error(`Runtime.HandlerNotFound: ${file}.${exportName} is undefined or not exported`);
  handler = h as typeof handler;
  send({ type: "ready" });
} catch (err) {
  send({ type: "init-error", error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  process.exit(1);
}

process.on("message", (m: InvokeMessage) => {
  const requestId = randomUUID();
  const context = {
    awsRequestId: requestId,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: "$LATEST",
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    invokedFunctionArn: process.env.LOCAL_FUNCTION_ARN,
    logGroupName: `/aws/lambda/${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, m.deadline - Date.now()),
  };
  Promise.resolve()
    .then(() => handler(m.event, context))
    .then(
      (payload) =>
        send({ type: "result", id: m.id, ok: true, payload: payload === undefined ? null : payload }),
      (err: unknown) =>
        send({
          type: "result",
          id: m.id,
          ok: false,
          error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        }),
    );
});
