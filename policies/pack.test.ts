/**
 * The pack entry point is a real CrossGuard pack: started the way the Pulumi CLI starts it, it
 * serves the analyzer gRPC protocol with every policy and its FSBP metadata, and the analyzer's
 * verdict on a resource matches the offline runner's.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import { POLICIES } from "./all";
import { fixtureResources } from "./lib/fixtures";
import { analyzeResources } from "./runner/analyze";

/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf classes have no typings here */
const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb") as any;
const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb") as any;
const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as any;
const { Empty } = require("google-protobuf/google/protobuf/empty_pb") as any;

let server: ChildProcess;
let client: any;

const call = <T>(method: string, request: unknown): Promise<T> =>
  new Promise((resolve, reject) =>
    client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))),
  );

beforeAll(async () => {
  server = spawn(process.execPath, ["--import", "tsx", "index.ts"], {
    cwd: __dirname,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  server.stderr?.on("data", (d) => (stderr += d));
  const port = await new Promise<string>((resolve, reject) => {
    server.stdout?.once("data", (d) => resolve(String(d).trim()));
    server.once("exit", (code) => reject(new Error(`pack exited with ${code}: ${stderr}`)));
  });
  client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 60_000);

afterAll(() => {
  client?.close();
  server?.kill();
});

describe("the policy pack served by `new PolicyPack`", () => {
  it("announces every policy with its metadata", async () => {
    const info = await call<any>("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("aws-data-platform");
    const served = info.getPoliciesList().map((p: any) => p.getName());
    expect(served.sort()).toEqual(POLICIES.map((p) => p.name).sort());
    const sse = info.getPoliciesList().find((p: any) => p.getName() === "s3-bucket-sse-kms");
    expect(sse.getFramework().getReference()).toBe("S3.17");
    expect(sse.getRemediationSteps()).toMatch(/BucketServerSideEncryptionConfiguration/);
  });

  it("reaches the same verdict as the offline runner, unknown values included", async () => {
    const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const inputs = {
      encryptionType: "NONE",
      kmsKeyId: UNKNOWN,
      retentionPeriod: UNKNOWN,
      tags: { Owner: "x" },
    };
    const [, , stream] = fixtureResources([{ type: "aws:kinesis/stream:Stream", name: "events", inputs }]);

    const request = new analyzerProto.AnalyzeRequest();
    request.setType(stream.type);
    request.setUrn(stream.urn);
    request.setName("events");
    request.setProperties(Struct.fromJavaScript(inputs));
    request.setOptions(new analyzerProto.AnalyzerResourceOptions());
    const response = await call<any>("analyze", request);
    const served = response
      .getDiagnosticsList()
      .map((d: any) => `${d.getPolicyname()} ${d.getEnforcementlevel()} ${d.getMessage().split("\n").pop()}`)
      .sort();

    const offline = (await analyzeResources([stream], { policies: POLICIES, config: {} })).violations;
    const expected = offline
      .map((v) => `${v.policyName} ${v.enforcementLevel === "mandatory" ? 1 : 0} ${v.message}`)
      .sort();
    expect(served).toEqual(expected);
    expect(served.some((s: string) => s.startsWith("kinesis-stream-encrypted 1 [kms]"))).toBe(true);
    // A value check on an unknown value: advisory "cannot verify" from the real analyzer too.
    expect(
      served.some((s: string) =>
        s.startsWith("kinesis-retention 0 [retention] cannot verify during preview"),
      ),
    ).toBe(true);
    // A presence check on an unknown value passes.
    expect(served.some((s: string) => s.includes("[customer-key]"))).toBe(false);
    // No provider in the request, so no default tags: the tag policy sees only Owner.
    expect(served.some((s: string) => s.startsWith("required-tags 1 [required-keys]"))).toBe(true);
  });
});
