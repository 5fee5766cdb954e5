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

/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf classes have no typings here */
/** One finding as a comparable line: policy, level, URN and the last line of the message. */
export function findingLine(policy: string, level: number | string, urn: string, message: string): string {
  return `${policy} ${level === 1 || level === "mandatory" ? "mandatory" : "advisory"} ${urn} ${message.split("\n").pop()}`;
}

/** The resource shape the engine's analyzer requests are built from (the runner's `PlanResource`). */
export interface AnalyzedResource {
  readonly type: string;
  readonly urn: string;
  readonly op?: string;
  readonly parent?: string;
  readonly protect?: boolean;
  readonly provider?: string;
  readonly dependencies?: readonly string[];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/**
 * What the engine asks a pack during a preview: `Analyze` for each resource (not reads) with its
 * inputs and its provider's, then one `AnalyzeStack` with every resource (`stackProperties`: the
 * outputs where the engine has them). Returns the findings as sorted `findingLine`s.
 */
export async function analyzeLikeTheEngine<R extends AnalyzedResource>(
  pack: Pick<RunningPack, "call">,
  resources: readonly R[],
  properties: { readonly inputs: (r: R) => unknown; readonly stack?: (r: R) => unknown },
): Promise<string[]> {
  const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const struct = (value: unknown) => Struct.fromJavaScript(value);
  const stackProps = properties.stack ?? properties.inputs;
  const providerOf = (r: R) => {
    const p = r.provider && byUrn.get(r.provider.slice(0, r.provider.lastIndexOf("::")));
    if (!p) return undefined;
    const provider = new analyzerProto.AnalyzerProviderResource();
    provider.setType(p.type);
    provider.setUrn(p.urn);
    provider.setName(nameOf(p.urn));
    provider.setProperties(struct(properties.inputs(p)));
    return provider;
  };
  const optionsOf = (r: R) => {
    const o = new analyzerProto.AnalyzerResourceOptions();
    if (r.parent) o.setParent(r.parent);
    o.setProtect(r.protect ?? false);
    return o;
  };
  const served: string[] = [];
  for (const r of resources.filter((x) => x.op !== "read")) {
    const request = new analyzerProto.AnalyzeRequest();
    request.setType(r.type);
    request.setUrn(r.urn);
    request.setName(nameOf(r.urn));
    request.setProperties(struct(properties.inputs(r)));
    request.setOptions(optionsOf(r));
    const provider = providerOf(r);
    if (provider) request.setProvider(provider);
    const response = await pack.call<any>("analyze", request);
    for (const d of response.getDiagnosticsList())
      served.push(
        findingLine(d.getPolicyname(), d.getEnforcementlevel(), d.getUrn() || r.urn, d.getMessage()),
      );
  }
  const stackRequest = new analyzerProto.AnalyzeStackRequest();
  stackRequest.setResourcesList(
    resources.map((r) => {
      const resource = new analyzerProto.AnalyzerResource();
      resource.setType(r.type);
      resource.setUrn(r.urn);
      resource.setName(nameOf(r.urn));
      resource.setProperties(struct(stackProps(r)));
      resource.setOptions(optionsOf(r));
      if (r.parent) resource.setParent(r.parent);
      resource.setDependenciesList([...(r.dependencies ?? [])]);
      const provider = providerOf(r);
      if (provider) resource.setProvider(provider);
      for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
        const deps = new analyzerProto.AnalyzerPropertyDependencies();
        deps.setUrnsList([...urns]);
        resource.getPropertydependenciesMap().set(k, deps);
      }
      return resource;
    }),
  );
  const stackResponse = await pack.call<any>("analyzeStack", stackRequest);
  for (const d of stackResponse.getDiagnosticsList())
    served.push(findingLine(d.getPolicyname(), d.getEnforcementlevel(), d.getUrn(), d.getMessage()));
  return served.sort();
}
/* eslint-enable @typescript-eslint/no-explicit-any */
