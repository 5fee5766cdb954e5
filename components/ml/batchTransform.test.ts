import { discoverProjects } from "../../harness/projects";
import type { ProjectPlan } from "../../harness/evaluate";
import { planFor, planOf, policyOf, resourcesOf } from "../../harness/testing";
import { BATCH_STEPS } from "./pipelineDefinition";

/*
 * Batch inference as the clickstream domain deploys it: the prod plan as configured (no approved
 * version in a fresh account) and with `ml.batchTransform.modelVersion` set.
 */

const PROJECTS = discoverProjects().filter((p) => ["data-platform", "clickstream"].includes(p.name));
type Platform = {
  kmsKeyArns: Record<string, string>;
  subnetIds: { private: string[] };
  securityGroupIds: { lambda: string };
  lake: { kmsKeyArn: string; buckets: Record<string, { name: string; arn: string }> };
};
type Step = {
  Name: string;
  Type: string;
  DependsOn?: string[];
  Arguments: {
    PrimaryContainer: unknown;
    EnableNetworkIsolation: boolean;
    VpcConfig: unknown;
    TransformOutput: { KmsKeyId: string; S3OutputPath: unknown };
    TransformResources: { VolumeKmsKeyId: string };
    DataProcessing: unknown;
  };
};
type Definition = { Parameters: { Name: string; DefaultValue: unknown }[]; Steps: Step[] };
const plans: Record<string, { plan: ProjectPlan; platform: Platform }> = {};

beforeAll(async () => {
  const load = async (key: string, overrides?: object) => {
    const all = await planFor("prod", {
      projects: PROJECTS,
      ...(overrides
        ? { configOverrides: { clickstream: { "clickstream:ml": JSON.stringify(overrides) } } }
        : {}),
    });
    plans[key] = {
      plan: planOf(all, "clickstream"),
      platform: planOf(all, "data-platform").outputs as unknown as Platform,
    };
  };
  await load("fresh");
  await load("approved", { batchTransform: { modelVersion: 3 } });
});

const only = (plan: ProjectPlan, type: string, urnPart: string) => {
  const found = resourcesOf(plan, type).filter((r) => r.urn.includes(urnPart));
  expect(found).toHaveLength(1);
  return found[0];
};
const definition = (plan: ProjectPlan): Definition =>
  JSON.parse(
    String(
      only(plan, "aws:sagemaker/pipeline:Pipeline", "clickstream-batch-inference").inputs.pipelineDefinition,
    ),
  );

describe("batch inference (prod clickstream)", () => {
  it("is in the prod plan with no default model and no schedule while no version is approved", () => {
    const d = definition(plans.fresh.plan);
    expect(d.Parameters.find((p) => p.Name === "ModelPackageArn")?.DefaultValue).toBe("");
    expect(
      resourcesOf(plans.fresh.plan, "aws:cloudwatch/eventRule:EventRule").map((r) => r.urn),
    ).not.toContainEqual(expect.stringContaining("clickstream-batch-inference"));
  });

  it("creates the model from the approved version, network isolated in the private subnets", () => {
    const d = definition(plans.approved.plan);
    const group = only(plans.approved.plan, "aws:sagemaker/modelPackageGroup:ModelPackageGroup", "");
    const version = d.Parameters.find((p) => p.Name === "ModelPackageArn")!.DefaultValue as string;
    expect(version).toMatch(/:model-package\/[^/]+\/3$/);
    expect(version).toContain(`:model-package/${String(group.inputs.modelPackageGroupName)}/`);
    const model = d.Steps.find((s) => s.Name === BATCH_STEPS.model)!;
    expect(model.Type).toBe("Model");
    expect(model.Arguments.PrimaryContainer).toEqual({
      ModelPackageName: { Get: "Parameters.ModelPackageArn" },
    });
    expect(model.Arguments.EnableNetworkIsolation).toBe(true);
    expect(model.Arguments.VpcConfig).toEqual({
      Subnets: plans.approved.platform.subnetIds.private,
      SecurityGroupIds: [plans.approved.platform.securityGroupIds.lambda],
    });
  });

  it("scores the curated zone into the lake with the lake key on output and the ML key on volumes", () => {
    const p = plans.approved.platform;
    const t = definition(plans.approved.plan).Steps.find((s) => s.Name === BATCH_STEPS.transform)!;
    expect(t.Type).toBe("Transform");
    expect(t.DependsOn).toEqual([BATCH_STEPS.model]);
    const input = definition(plans.approved.plan).Parameters.find((x) => x.Name === "InputUri")!.DefaultValue;
    expect(input).toBe(`s3://${p.lake.buckets.curated.name}/ml/batch-input/clickstream/`);
    expect(t.Arguments.TransformOutput.KmsKeyId).toBe(p.lake.kmsKeyArn);
    expect(JSON.stringify(t.Arguments.TransformOutput.S3OutputPath)).toContain(
      `s3://${p.lake.buckets.curated.name}/ml/batch-predictions/clickstream/`,
    );
    expect(t.Arguments.TransformResources.VolumeKmsKeyId).toBe(p.kmsKeyArns.ml);
    expect(t.Arguments.DataProcessing).toEqual({
      InputFilter: "$[1:]",
      JoinSource: "Input",
      OutputFilter: "$[0,-1]",
    });
  });

  it("runs on the configured schedule with the approved version, started by a role limited to this pipeline", () => {
    const pipeline = only(
      plans.approved.plan,
      "aws:sagemaker/pipeline:Pipeline",
      "clickstream-batch-inference",
    );
    const rule = only(
      plans.approved.plan,
      "aws:cloudwatch/eventRule:EventRule",
      "clickstream-batch-inference",
    );
    expect(rule.inputs.scheduleExpression).toBe("cron(0 5 * * ? *)");
    const target = only(
      plans.approved.plan,
      "aws:cloudwatch/eventTarget:EventTarget",
      "clickstream-batch-inference",
    );
    expect(target.inputs.sagemakerPipelineTarget).toEqual({
      pipelineParameterLists: [{ name: "ModelPackageArn", value: expect.stringMatching(/\/3$/) }],
    });
    const start = policyOf(
      only(
        plans.approved.plan,
        "aws:iam/rolePolicy:RolePolicy",
        "clickstream-batch-inference-schedule-policy",
      ).inputs.policy,
    );
    expect(start.Statement).toEqual([
      expect.objectContaining({ Resource: expect.stringContaining(String(pipeline.id)) }),
    ]);
  });

  it("limits the role to its group's versions, its jobs, the input and output prefixes and their keys", () => {
    const p = plans.approved.platform;
    const doc = policyOf(
      only(plans.approved.plan, "aws:iam/rolePolicy:RolePolicy", "clickstream-batch-inference-policy").inputs
        .policy,
    );
    const bySid = Object.fromEntries(doc.Statement.map((s) => [s.Sid as string, s]));
    expect(bySid.RunPipelineModelAndTransform.Resource).toEqual([
      expect.stringMatching(/:model\/pipelines-\*$/),
      expect.stringMatching(/:transform-job\/pipelines-\*$/),
    ]);
    expect(bySid.ReadRegisteredVersions.Resource).toMatch(/:model-package\/[^/]+\/\*$/);
    expect(bySid.ReadInput.Resource).toBe(`${p.lake.buckets.curated.arn}/ml/batch-input/clickstream/*`);
    expect(bySid.WritePredictions.Resource).toBe(
      `${p.lake.buckets.curated.arn}/ml/batch-predictions/clickstream/*`,
    );
    expect(bySid.UseKeys.Resource).toEqual([p.lake.kmsKeyArn, p.kmsKeyArns.ml].sort());
    const wildcard = doc.Statement.filter((s) => s.Resource === "*").map((s) => s.Sid);
    expect(wildcard.sort()).toEqual(["EcrLogin", "JobMetrics", "JobsInVpc"]);
  });
});
