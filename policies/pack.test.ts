/**
 * The pack entry point is a real CrossGuard pack: started the way the Pulumi CLI starts it, it
 * serves the analyzer gRPC protocol with every policy and its FSBP metadata, and the analyzer's
 * verdict on a resource matches the offline runner's.
 */
import * as path from "node:path";
import {
  analyzeLikeTheEngine,
  analyzerProto,
  Empty,
  findingLine,
  type RunningPack,
  startPolicyPack,
  Struct,
} from "../harness/analyzer";
import { evaluateProjects } from "../harness/evaluate";
import { plainValue } from "../harness/plan";
import { readProject } from "../harness/projects";
import { POLICIES } from "./all";
import { fixtureResources } from "./lib/fixtures";
import { analyzeResources, resourcesOfDocument } from "./runner/analyze";

/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf classes have no typings here */
let pack: RunningPack;
const call = <T>(method: string, request: unknown): Promise<T> => pack.call<T>(method, request);

// Started as the CLI starts it: cmd/run-policy-pack from this folder, type-checked with its tsconfig.
beforeAll(async () => {
  pack = await startPolicyPack(__dirname);
}, 600_000);

afterAll(() => pack?.stop());

describe("the policy pack served by `new PolicyPack`", () => {
  it("announces every policy with its metadata", async () => {
    const info = await call<any>("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("aws-data-platform");
    const served = info.getPoliciesList().map((p: any) => p.getName());
    expect(served.sort()).toEqual(POLICIES.map((p) => p.name).sort());
    const sse = info.getPoliciesList().find((p: any) => p.getName() === "s3-bucket-sse-kms");
    const tls = info.getPoliciesList().find((p: any) => p.getName() === "s3-bucket-tls-only");
    expect(tls.getFramework().getReference()).toBe("S3.5");
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

    // The request names no provider, so neither does the runner's resource.
    const offline = (
      await analyzeResources([{ ...stream, provider: undefined }], { policies: POLICIES, config: {} })
    ).violations;
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

  it("reaches the same verdicts as the offline runner on every resource of the insecure sample program", async () => {
    const [plan] = await evaluateProjects({
      stack: "insecure",
      projects: [readProject(path.join(__dirname, "..", "harness", "fixtures", "insecure"))],
    });
    const resources = resourcesOfDocument(plan.document);
    const served = await analyzeLikeTheEngine(pack, resources, { inputs: (r) => plainValue(r.inputs) });

    const offline = (await analyzeResources(resources, { policies: POLICIES, config: {} })).violations.map(
      (v) => findingLine(v.policyName, v.enforcementLevel, v.urn, v.message),
    );
    expect(served).toEqual(offline.sort());
    // Every policy of the pack fired on the insecure program through the real analyzer.
    const fired = new Set(served.map((s) => s.split(" ")[0]));
    expect(
      POLICIES.map((p) => p.name).filter((n) => !fired.has(n) && n !== "security-baseline-present"),
    ).toEqual([]);
  });
});
