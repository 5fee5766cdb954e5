/**
 * Starts a CrossGuard policy pack the way the Pulumi CLI's policy analyzer does and talks to it over
 * the analyzer gRPC protocol: `node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine>
 * <pack dir>` with the pack folder as working directory. `run-policy-pack` registers its own
 * type-checking ts-node with the pack's `tsconfig.json` (or ts-node's defaults when the folder has
 * none) and the TypeScript it resolves from `@pulumi/pulumi` (the 3.8.3 it vendors when none is
 * installed); `new PolicyPack` then prints the port it serves on.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";

/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf classes have no typings here */
export const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb") as any;
export const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb") as any;
export const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as any;
export const { Empty } = require("google-protobuf/google/protobuf/empty_pb") as any;

export interface RunningPack {
  /** Calls one analyzer method (`getAnalyzerInfo`, `analyze`, `analyzeStack`...). */
  call<T = any>(method: string, request: unknown): Promise<T>;
  stop(): void;
  /** What the pack process printed on stderr so far. */
  stderr(): string;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * Runs the pack in `packDir` through `cmd/run-policy-pack`, resolved from the pack's own
 * dependencies. Rejects with the pack's stderr when it exits before serving (a compile error, a
 * missing module).
 */
export async function startPolicyPack(packDir: string, timeoutMs = 300_000): Promise<RunningPack> {
  const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // no jest or tsx hooks: the CLI runs plain node
  for (const key of Object.keys(env)) if (key.startsWith("TS_NODE_")) delete env[key];
  // The engine address is only used to log through the engine; listing policies does not log.
  const child: ChildProcess = spawn(process.execPath, [runner, "127.0.0.1:0", path.resolve(packDir)], {
    cwd: packDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`policy pack did not start within ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    let stdout = "";
    child.stdout?.on("data", (d) => {
      stdout += d;
      const m = /^(\d+)\s*$/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`policy pack exited with ${code}: ${stderr}${stdout}`));
    });
  });
  const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    call: (method, request) =>
      new Promise((resolve, reject) =>
        client[method](request, (err: Error | null, res: never) => (err ? reject(err) : resolve(res))),
      ),
    stop: () => {
      client.close();
      child.kill();
    },
    stderr: () => stderr,
  };
}
