/**
 * Engine parity: the pack started the way the Pulumi CLI starts it
 * (`@pulumi/pulumi/cmd/run-policy-pack` from `policies/`, compiled by the SDK's own ts-node) and
 * driven over gRPC like the engine — `Configure` with `prod.json`, `Analyze` per resource with its
 * inputs and its provider's inputs, `AnalyzeStack` with every resource of the program (outputs
 * where the engine sends outputs) and plaintext secrets — reports the same mandatory and
 * advisory findings as the offline runner (`npm run check`):
 *
 * - exactly, on the offline plans of every project and on complete preview documents;
 * - on documents that cannot hold everything (secrets, no `--show-sames`): every runner
 *   mandatory finding is an engine finding, and every engine mandatory finding is a runner
 *   mandatory finding, a "cannot verify" on the same policy and resource, or concerns a resource
 *   the document does not print (which the runner's `preview-document` finding names).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  analyzeLikeTheEngine,
  analyzerProto,
  findingLine,
  type RunningPack,
  startPolicyPack,
  Struct,
} from "../../harness/analyzer";
import { evaluateProjects } from "../../harness/evaluate";
import { readProject } from "../../harness/projects";
import { planFor } from "../../harness/testing";
import { POLICIES } from "../all";
import {
  analyzeDocument,
  DOCUMENT_FINDING,
  type PlanResource,
  resourcesOfDocument,
  stackSeesOutputs,
} from "./analyze";
import { enforcementLevelOf, type PackConfig, packConfigFor } from "./config";
import { documentValue, type DocumentLike, PreviewDocumentSchema } from "./document";
import { DOCUMENTS, SECRET_PLAINTEXT } from "./fixtures/generate";

/* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf classes have no typings here */

const POLICIES_DIR = path.resolve(__dirname, "..");
const LEVEL = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 } as const;

let pack: RunningPack;
const call = <T>(method: string, request: unknown): Promise<T> => pack.call<T>(method, request);

// What the language host runs for `pulumi preview --policy-pack policies`: cmd/run-policy-pack from
// the pack's folder (harness/analyzer.ts).
beforeAll(async () => {
  pack = await startPolicyPack(POLICIES_DIR);
}, 300_000);

afterAll(() => pack?.stop());

/** `Configure` as the CLI sends it for `--policy-pack-config <file>`: a level and properties per policy. */
async function configure(config: PackConfig) {
  const request = new analyzerProto.ConfigureAnalyzerRequest();
  for (const p of POLICIES) {
    const entry = config[p.name];
    const pc = new analyzerProto.PolicyConfig();
    pc.setEnforcementlevel(LEVEL[enforcementLevelOf(p, config)]);
    const props: Record<string, unknown> = {};
    if (entry && typeof entry === "object")
      for (const [k, v] of Object.entries(entry)) if (k !== "enforcementLevel") props[k] = v;
    pc.setProperties(Struct.fromJavaScript(props));
    request.getPolicyconfigMap().set(p.name, pc);
  }
  await call("configure", request);
}

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/**
 * The engine's findings over the resources of a program. `plaintext` replaces secret values the
 * way the engine holds them (by resource name, `a.0.b` paths).
 */
async function engineFindings(
  resources: PlanResource[],
  plaintext: Record<string, Record<string, unknown>> = {},
): Promise<string[]> {
  const withSecrets = (r: PlanResource, props: Record<string, unknown>) => {
    const out = structuredClone(props);
    for (const [at, value] of Object.entries(plaintext[nameOf(r.urn)] ?? {})) {
      const keys = at.split(".");
      let cur: any = out;
      for (const k of keys.slice(0, -1)) cur = cur[k];
      if (keys.at(-1)! in cur) cur[keys.at(-1)!] = value;
    }
    return documentValue(out);
  };
  return analyzeLikeTheEngine(pack, resources, {
    inputs: (r) => withSecrets(r, r.inputs),
    stack: (r) => withSecrets(r, stackSeesOutputs(r) ? r.outputs! : r.inputs),
  });
}

async function runnerFindings(doc: DocumentLike, config: PackConfig) {
  const { violations } = await analyzeDocument(doc, { policies: POLICIES, config });
  return violations
    .filter((v) => v.enforcementLevel === "mandatory" || v.enforcementLevel === "advisory")
    .map((v) => ({ ...v, line: findingLine(v.policyName, v.enforcementLevel, v.urn, v.message) }));
}

const fixture = (file: string) =>
  PreviewDocumentSchema.parse(JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", file), "utf8")));

describe("the pack under the engine and `npm run check` (prod.json)", () => {
  const prod = packConfigFor("prod");
  beforeAll(() => configure(prod));

  it("agree on every resource of every project's offline prod plan", async () => {
    const plans = await planFor("prod");
    expect(plans.length).toBeGreaterThan(1);
    let compared = 0;
    const findings: string[] = [];
    for (const plan of plans) {
      const served = await engineFindings(resourcesOfDocument(plan.document));
      const offline = (await runnerFindings(plan.document, prod)).map((v) => v.line).sort();
      expect({ project: plan.project.name, findings: offline }).toEqual({
        project: plan.project.name,
        findings: served,
      });
      compared += plan.document.steps.length;
      findings.push(...served.map((f) => `${plan.project.name}: ${f}`));
    }
    expect(compared).toBeGreaterThan(300);
    // The repository's prod plans are compliant, under the engine too: nothing to report but the
    // exceptions prod.json declares (with their reasons), each reported as excepted.
    expect(findings.filter((f) => !/ \[[a-z-]+\] excepted \(/.test(f))).toEqual([]);
    expect(findings.map((f) => f.split(" ").slice(0, 3).join(" "))).toEqual([
      "data-platform: iam-no-service-wildcards advisory",
      "data-platform: iam-no-service-wildcards advisory",
    ]);
  });

  it("agree on every finding over the insecure sample program", async () => {
    const [plan] = await evaluateProjects({
      stack: "insecure",
      projects: [readProject(path.join(__dirname, "..", "..", "harness", "fixtures", "insecure"))],
    });
    const served = await engineFindings(resourcesOfDocument(plan.document));
    const offline = (await runnerFindings(plan.document, prod)).map((v) => v.line).sort();
    expect(offline).toEqual(served);
    expect(served.filter((s) => s.split(" ")[1] === "mandatory").length).toBeGreaterThan(50);
  });

  it.each(["first-deploy.json", "unknowns.json", "incremental-show-sames.json", "no-op-show-sames.json"])(
    "agree exactly on the complete document %s",
    async (file) => {
      const doc = fixture(file);
      const served = await engineFindings(resourcesOfDocument(doc));
      const offline = (await runnerFindings(doc, prod)).map((v) => v.line).sort();
      expect(offline).toEqual(served);
    },
  );

  it.each([
    // [document the runner reads, document of everything the engine sees, plaintext of its secrets]
    ["secrets.json", "secrets.json", SECRET_PLAINTEXT],
    ["incremental.json", "incremental-show-sames.json", {}],
    ["incremental-insecure.json", "incremental-insecure.json", {}],
    ["no-op.json", "no-op-show-sames.json", {}],
  ] as const)(
    "never report a false mandatory nor pass silently on %s",
    async (file, engineFile, plaintext) => {
      const doc = fixture(file);
      // The engine runs the whole program: for an incremental preview, the --show-sames document.
      const served = await engineFindings(resourcesOfDocument(fixture(engineFile)), plaintext);
      const offline = await runnerFindings(doc, prod);
      const printed = new Set(resourcesOfDocument(doc).map((r) => r.urn));
      const engineMandatory = served.filter((s) => s.split(" ")[1] === "mandatory");
      // No false mandatory finding.
      for (const v of offline.filter((x) => x.enforcementLevel === "mandatory"))
        expect(served).toContain(v.line);
      // No silent pass.
      const documentFinding = offline.some((v) => v.policyName === DOCUMENT_FINDING);
      for (const s of engineMandatory) {
        const [policy, , urn] = s.split(" ");
        const covered =
          offline.some((v) => v.line === s) ||
          offline.some((v) => v.cannotVerify && v.policyName === policy && v.urn === urn) ||
          (!printed.has(urn) && documentFinding);
        expect({ engine: s, covered }).toEqual({ engine: s, covered: true });
      }
      if (file === "secrets.json") expect(engineMandatory.length).toBeGreaterThanOrEqual(2);
      if (file === "incremental.json") expect(engineMandatory.length).toBeGreaterThanOrEqual(1);
    },
  );

  it("apply the same exceptions: a tag on the resource and a config entry by URN, with expiry", async () => {
    const doc = structuredClone(DOCUMENTS["first-deploy.json"]) as any;
    const stateOf = (name: string) => doc.steps.find((s: any) => s.urn.endsWith(`::${name}`)).newState;
    const bastion = stateOf("bastion");
    bastion.inputs.ingress[0].cidrBlocks = ["0.0.0.0/0"];
    bastion.inputs.tags = {
      "policy-exception:security-group-no-public-ingress": "operator VPN pending expires=2999-01-31",
    };
    const stream = stateOf("orders-stream");
    stream.inputs.encryptionType = "NONE";
    const api = stateOf("orders-api");
    api.inputs.ingress[0].cidrBlocks = ["0.0.0.0/0"];
    api.inputs.ingress[0].fromPort = api.inputs.ingress[0].toPort = 8080;
    api.inputs.tags = { "policy-exception:security-group-no-public-ingress": "load test expires=2020-02-29" };
    const config: PackConfig = {
      ...prod,
      "kinesis-stream-encrypted": {
        enforcementLevel: "mandatory",
        exceptions: [{ urn: stream.urn, rule: "kms", reason: "replayed public data" }],
      },
    };
    await configure(config);
    try {
      const served = await engineFindings(resourcesOfDocument(doc));
      const offline = await runnerFindings(doc, config);
      expect(offline.map((v) => v.line).sort()).toEqual(served);
      const status = offline
        .map((v) => `${v.enforcementLevel} ${v.rule} ${nameOf(v.urn)} ${v.exception?.expired ?? "-"}`)
        .sort();
      // An exception covers its own policy only: both groups still fail the CIDR-union check, and the
      // bucket policy (unknown on a first deploy) cannot be verified.
      expect(status).toEqual([
        "advisory bucket-admin-grant orders-archive-policy -",
        "advisory deny-insecure-transport orders-archive -",
        "advisory kms orders-stream false",
        "advisory public-ingress bastion false",
        "advisory public-principal orders-archive-policy -",
        "mandatory internet-union bastion -",
        "mandatory internet-union orders-api -",
        "mandatory public-ingress orders-api true",
      ]);
    } finally {
      await configure(prod);
    }
  });
});
