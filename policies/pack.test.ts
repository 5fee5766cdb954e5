/**
 * The pack entry point is a real CrossGuard pack: started the way the Pulumi CLI starts it, it
 * serves the analyzer gRPC protocol with every policy and its FSBP metadata, and the analyzer's
 * verdict on a resource matches the offline runner's.
 */
import * as path from "node:path";
import { analyzerProto, Empty, type RunningPack, startPolicyPack, Struct } from "../harness/analyzer";
import { evaluateProjects } from "../harness/evaluate";
import { plainValue } from "../harness/plan";
import { readProject } from "../harness/projects";
import { POLICIES } from "./all";
import { fixtureResources } from "./lib/fixtures";
import { analyzeResources, type PlanResource, resourcesOfDocument } from "./runner/analyze";

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
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const props = (r: PlanResource) => Struct.fromJavaScript(plainValue(r.inputs));
    const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
    const providerOf = (r: PlanResource) => {
      const p = r.provider && byUrn.get(r.provider.slice(0, r.provider.lastIndexOf("::")));
      if (!p) return undefined;
      const provider = new analyzerProto.AnalyzerProviderResource();
      provider.setType(p.type);
      provider.setUrn(p.urn);
      provider.setName(nameOf(p.urn));
      provider.setProperties(props(p));
      return provider;
    };
    const optionsOf = (r: PlanResource) => {
      const o = new analyzerProto.AnalyzerResourceOptions();
      if (r.parent) o.setParent(r.parent);
      return o;
    };
    const line = (policy: string, level: number | string, urn: string, message: string) =>
      `${policy} ${level === 1 || level === "mandatory" ? "mandatory" : "advisory"} ${urn} ${message.split("\n").pop()}`;

    const served: string[] = [];
    for (const r of resources.filter((x) => x.op !== "read")) {
      const request = new analyzerProto.AnalyzeRequest();
      request.setType(r.type);
      request.setUrn(r.urn);
      request.setName(nameOf(r.urn));
      request.setProperties(props(r));
      request.setOptions(optionsOf(r));
      const provider = providerOf(r);
      if (provider) request.setProvider(provider);
      const response = await call<any>("analyze", request);
      for (const d of response.getDiagnosticsList())
        served.push(line(d.getPolicyname(), d.getEnforcementlevel(), d.getUrn() || r.urn, d.getMessage()));
    }
    const stackRequest = new analyzerProto.AnalyzeStackRequest();
    stackRequest.setResourcesList(
      resources.map((r) => {
        const resource = new analyzerProto.AnalyzerResource();
        resource.setType(r.type);
        resource.setUrn(r.urn);
        resource.setName(nameOf(r.urn));
        resource.setProperties(props(r));
        resource.setOptions(optionsOf(r));
        if (r.parent) resource.setParent(r.parent);
        resource.setDependenciesList(r.dependencies ?? []);
        const provider = providerOf(r);
        if (provider) resource.setProvider(provider);
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
          const deps = new analyzerProto.AnalyzerPropertyDependencies();
          deps.setUrnsList(urns);
          resource.getPropertydependenciesMap().set(k, deps);
        }
        return resource;
      }),
    );
    const stackResponse = await call<any>("analyzeStack", stackRequest);
    for (const d of stackResponse.getDiagnosticsList())
      served.push(line(d.getPolicyname(), d.getEnforcementlevel(), d.getUrn(), d.getMessage()));

    const offline = (await analyzeResources(resources, { policies: POLICIES, config: {} })).violations.map(
      (v) => line(v.policyName, v.enforcementLevel, v.urn, v.message),
    );
    expect(served.sort()).toEqual(offline.sort());
    // Every policy of the pack fired on the insecure program through the real analyzer.
    const fired = new Set(served.map((s) => s.split(" ")[0]));
    expect(
      POLICIES.map((p) => p.name).filter((n) => !fired.has(n) && n !== "security-baseline-present"),
    ).toEqual([]);
  });
});
