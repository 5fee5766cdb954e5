import { discoverProjects } from "../../harness/projects";
import type { ProjectPlan } from "../../harness/evaluate";
import { planFor, planOf, policyOf, resourcesOf } from "../../harness/testing";
import { clickstreamFeatureSpec } from "../../runtime/features";
import { ML_DEFAULTS } from "./settings";

/*
 * The ML layer as the clickstream domain deploys it, read from offline plans of the platform and
 * the clickstream project (one evaluation per environment, plus one dev evaluation with other
 * A/B weights).
 */

const PROJECTS = discoverProjects().filter((p) => ["data-platform", "clickstream"].includes(p.name));
type Platform = {
  kmsKeyArns: Record<string, string>;
  subnetIds: { private: string[] };
  securityGroupIds: { lambda: string };
  alarmTopicArn: string;
  vpcId: string;
  lake: {
    kmsKeyArn: string;
    buckets: Record<string, { name: string; arn: string }>;
    databases: Record<string, string>;
  };
};
type Statement = {
  Sid?: string;
  Action: string | string[];
  Resource: string | string[];
  Principal?: unknown;
};

/**
 * The environment's default variants once versions 1 and 2 are approved (`ml.variants[i].modelVersion`):
 * a fresh account has none, so the defaults name no version and create no endpoint.
 */
const approved = (stack: string) => ({
  variants: ML_DEFAULTS[stack as "dev" | "prod"].variants.map((v, i) => ({ ...v, modelVersion: i + 1 })),
});

const plans = new Map<string, Promise<{ plan: ProjectPlan; platform: Platform }>>();
function load(stack: string, override?: object) {
  const ml = override ?? approved(stack);
  const key = `${stack}:${JSON.stringify(ml ?? null)}`;
  if (!plans.has(key)) {
    plans.set(
      key,
      planFor(stack, {
        projects: PROJECTS,
        configOverrides: { clickstream: { "clickstream:ml": JSON.stringify(ml) } },
      }).then((all) => ({
        plan: planOf(all, "clickstream"),
        platform: planOf(all, "data-platform").outputs as unknown as Platform,
      })),
    );
  }
  return plans.get(key)!;
}
const one = (plan: ProjectPlan, type: string, urnPart = "") => {
  const found = resourcesOf(plan, type).filter((r) => r.urn.includes(urnPart));
  expect(found).toHaveLength(1);
  return found[0];
};
const statements = (plan: ProjectPlan, urnPart: string): Statement[] =>
  policyOf(one(plan, "aws:iam/rolePolicy:RolePolicy", urnPart).inputs.policy).Statement as Statement[];
const list = (x: string | string[]) => (Array.isArray(x) ? x : [x]);
type Json = Record<string, unknown>;

describe.each(["dev", "prod"])("clickstream ML layer (%s)", (stack) => {
  it("defines the feature group from the spec: online store with the ML key", async () => {
    const { plan, platform } = await load(stack);
    const fg = one(plan, "aws:sagemaker/featureGroup:FeatureGroup").inputs as Json;
    const spec = clickstreamFeatureSpec();
    expect(fg.featureGroupName).toBe(`clickstream-visitor-${stack}`);
    expect(fg.recordIdentifierFeatureName).toBe(spec.recordIdentifier);
    expect(fg.eventTimeFeatureName).toBe(spec.eventTime);
    expect(fg.featureDefinitions).toEqual(
      spec.features.map((f) => ({ featureName: f.name, featureType: f.type })),
    );
    expect(fg.onlineStoreConfig).toEqual({
      enableOnlineStore: true,
      securityConfig: { kmsKeyId: platform.kmsKeyArns.ml },
    });
  });

  it("keeps the offline store in the processed zone with the lake key, registered in Glue for Athena", async () => {
    const { plan, platform } = await load(stack);
    const fg = one(plan, "aws:sagemaker/featureGroup:FeatureGroup").inputs as Json;
    expect(fg.offlineStoreConfig).toEqual({
      s3StorageConfig: {
        s3Uri: `s3://${platform.lake.buckets.processed.name}/feature-store/clickstream-visitor/`,
        kmsKeyId: platform.lake.kmsKeyArn,
      },
      dataCatalogConfig: {
        catalog: "AwsDataCatalog",
        database: platform.lake.databases.processed,
        tableName: `clickstream_visitor_${stack}`,
      },
      disableGlueTableCreation: false,
      tableFormat: "Glue",
    });
    // The store's role writes only its prefix and its table; Lake Formation lets it create the table.
    const s = statements(plan, "clickstream-visitor-offline-policy");
    expect(s.find((x) => x.Sid === "WriteOfflineStore")!.Resource).toBe(
      `${platform.lake.buckets.processed.arn}/feature-store/clickstream-visitor/*`,
    );
    expect(list(s.find((x) => x.Sid === "RegisterOfflineTable")!.Resource)).toContain(
      `arn:aws:glue:us-east-1:123456789012:table/${platform.lake.databases.processed}/clickstream_visitor_${stack}`,
    );
    const lf = one(plan, "aws:lakeformation/permissions:Permissions", "offline-lf").inputs as Json;
    expect(lf.permissions).toEqual(["CREATE_TABLE", "DESCRIBE"]);
    expect(lf.database).toEqual({ name: platform.lake.databases.processed });
    // The bucket is a registered location: the store's role also needs DATA_LOCATION_ACCESS on it.
    const location = one(plan, "aws:lakeformation/permissions:Permissions", "offline-location")
      .inputs as Json;
    expect(location).toMatchObject({
      permissions: ["DATA_LOCATION_ACCESS"],
      dataLocation: { arn: platform.lake.buckets.processed.arn },
    });
  });

  it("ingests features from the clickstream stream with a role that can PutRecord into this group only", async () => {
    const { plan, platform } = await load(stack);
    const fg = one(plan, "aws:sagemaker/featureGroup:FeatureGroup");
    const fn = one(plan, "aws:lambda/function:Function", "clickstream-features-function").inputs as Json;
    expect((fn.environment as { variables: Json }).variables).toMatchObject({
      DATA_PRODUCT: "clickstream",
      FEATURE_GROUP_NAME: `clickstream-visitor-${stack}`,
    });
    expect(fn.vpcConfig).toEqual({
      subnetIds: platform.subnetIds.private,
      securityGroupIds: [platform.securityGroupIds.lambda],
    });
    const stream = one(plan, "aws:kinesis/stream:Stream");
    const mapping = one(
      plan,
      "aws:lambda/eventSourceMapping:EventSourceMapping",
      "clickstream-features-source",
    ).inputs as Json;
    expect(mapping.eventSourceArn).toBe(`arn:aws:kinesis:us-east-1:123456789012:stream/${stream.id}`);
    expect(mapping.functionResponseTypes).toEqual(["ReportBatchItemFailures"]);
    const s = statements(plan, "clickstream-features-policy");
    const sagemaker = s.filter((x) => list(x.Action).some((a) => a.startsWith("sagemaker:")));
    expect(sagemaker).toEqual([
      {
        Sid: "PutFeatureRecords",
        Effect: "Allow",
        Action: ["sagemaker:PutRecord"],
        Resource: `arn:aws:sagemaker:us-east-1:123456789012:feature-group/${String(fg.id).toLowerCase()}`,
      },
    ]);
    expect(s.find((x) => x.Sid === "OnlineStoreKey")).toMatchObject({
      Action: ["kms:Decrypt"],
      Resource: platform.kmsKeyArns.ml,
    });
  });

  it("trains with the region's built-in XGBoost image, in the VPC, network isolated, KMS on volumes and outputs", async () => {
    const { plan, platform } = await load(stack);
    const pipeline = one(plan, "aws:sagemaker/pipeline:Pipeline", "clickstream-training-pipeline")
      .inputs as Json;
    const def = JSON.parse(String(pipeline.pipelineDefinition));
    expect(def.Steps.map((s: { Name: string }) => s.Name)).toEqual([
      "Prepare",
      "Train",
      "Evaluate",
      "CheckMetric",
    ]);
    const [prepare, train, evaluate] = def.Steps;
    const image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";
    expect(train.Arguments.AlgorithmSpecification).toEqual({
      TrainingImage: image,
      TrainingInputMode: "File",
    });
    expect(prepare.Arguments.AppSpecification.ImageUri).toBe(image);
    expect(train.Arguments.EnableNetworkIsolation).toBe(true);
    expect(train.Arguments.VpcConfig).toEqual({
      Subnets: platform.subnetIds.private,
      SecurityGroupIds: [platform.securityGroupIds.lambda],
    });
    expect(train.Arguments.ResourceConfig.VolumeKmsKeyId).toBe(platform.kmsKeyArns.ml);
    expect(train.Arguments.OutputDataConfig.KmsKeyId).toBe(platform.kmsKeyArns.ml);
    for (const step of [prepare, evaluate]) {
      expect(step.Arguments.NetworkConfig.EnableNetworkIsolation).toBe(true);
      expect(step.Arguments.ProcessingResources.ClusterConfig.VolumeKmsKeyId).toBe(platform.kmsKeyArns.ml);
      expect(step.Arguments.ProcessingOutputConfig.KmsKeyId).toBe(platform.kmsKeyArns.ml);
    }
    // It reads the offline store.
    const features = prepare.Arguments.ProcessingInputs.find(
      (i: { InputName: string }) => i.InputName === "features",
    );
    expect(features.S3Input.S3Uri).toBe(
      `s3://${platform.lake.buckets.processed.name}/feature-store/clickstream-visitor/`,
    );
  });

  it("registers the model only when the test AUC reaches the threshold, pending manual approval", async () => {
    const { plan } = await load(stack);
    const group = one(plan, "aws:sagemaker/modelPackageGroup:ModelPackageGroup");
    const def = JSON.parse(
      String(
        one(plan, "aws:sagemaker/pipeline:Pipeline", "clickstream-training-pipeline").inputs
          .pipelineDefinition,
      ),
    );
    expect(def.Parameters).toEqual(
      expect.arrayContaining([
        { Name: "MinAuc", Type: "Float", DefaultValue: 0.75 },
        { Name: "ModelApprovalStatus", Type: "String", DefaultValue: "PendingManualApproval" },
      ]),
    );
    const check = def.Steps[3];
    expect(check.Type).toBe("Condition");
    expect(check.Arguments.Conditions).toEqual([
      {
        Type: "GreaterThanOrEqualTo",
        LeftValue: {
          "Std:JsonGet": {
            PropertyFile: { Get: "Steps.Evaluate.PropertyFiles.EvaluationReport" },
            Path: "metrics.auc.value",
          },
        },
        RightValue: { Get: "Parameters.MinAuc" },
      },
    ]);
    expect(def.Steps[2].PropertyFiles).toEqual([
      { PropertyFileName: "EvaluationReport", OutputName: "evaluation", FilePath: "evaluation.json" },
    ]);
    const [register] = check.Arguments.IfSteps;
    expect(register.Type).toBe("RegisterModel");
    expect(register.Arguments.ModelPackageGroupName).toBe(group.id);
    expect(register.Arguments.InferenceSpecification.Containers[0].ModelDataUrl).toEqual({
      Get: "Steps.Train.ModelArtifacts.S3ModelArtifacts",
    });
    expect(check.Arguments.ElseSteps.map((s: { Type: string }) => s.Type)).toEqual(["Fail"]);
  });

  it("runs the pipeline on an EventBridge schedule whose role can start only this pipeline", async () => {
    const { plan } = await load(stack);
    const pipeline = one(plan, "aws:sagemaker/pipeline:Pipeline", "clickstream-training-pipeline");
    const arn = `arn:aws:sagemaker:us-east-1:123456789012:pipeline/${String(pipeline.id).toLowerCase()}`;
    const rule = one(plan, "aws:cloudwatch/eventRule:EventRule", "clickstream-training-schedule").inputs;
    expect(rule.scheduleExpression).toBe(stack === "prod" ? "cron(0 3 * * ? *)" : "cron(0 3 ? * MON *)");
    const target = one(plan, "aws:cloudwatch/eventTarget:EventTarget", "clickstream-training").inputs;
    expect(target.arn).toBe(arn);
    expect(statements(plan, "clickstream-training-schedule-policy")).toEqual([
      {
        Sid: "StartThisPipeline",
        Effect: "Allow",
        Action: ["sagemaker:StartPipelineExecution"],
        Resource: arn,
      },
    ]);
  });

  it("gives the model package group a resource policy naming the roles that train and deploy it", async () => {
    const { plan } = await load(stack);
    const group = one(plan, "aws:sagemaker/modelPackageGroup:ModelPackageGroup");
    const policy = one(plan, "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy").inputs;
    expect(policy.modelPackageGroupName).toBe(group.id);
    const doc = JSON.parse(String(policy.resourcePolicy)) as { Statement: Statement[] };
    const read = doc.Statement.find((s) => s.Sid === "ReadVersions")!;
    const roles = resourcesOf(plan, "aws:iam/role:Role");
    const arnOf = (part: string) =>
      `arn:aws:iam::123456789012:role/${roles.find((r) => r.urn.endsWith(`::${part}`))!.id}`;
    expect(read.Principal).toEqual({
      AWS: [
        arnOf("clickstream-training-role"),
        arnOf("clickstream-inference-model-role"),
        arnOf("clickstream-batch-inference-role"),
      ],
    });
    expect(list(read.Resource)).toEqual([
      `arn:aws:sagemaker:us-east-1:123456789012:model-package-group/${String(group.id).toLowerCase()}`,
      `arn:aws:sagemaker:us-east-1:123456789012:model-package/${String(group.id).toLowerCase()}/*`,
    ]);
  });

  it("serves approved versions in weighted variants with KMS and data capture into the lake", async () => {
    const { plan, platform } = await load(stack);
    const config = one(plan, "aws:sagemaker/endpointConfiguration:EndpointConfiguration").inputs as Json;
    expect(config.kmsKeyArn).toBe(platform.kmsKeyArns.ml);
    const variants = config.productionVariants as Json[];
    expect(variants.map((v) => [v.variantName, v.initialVariantWeight])).toEqual([
      ["champion", 90],
      ["challenger", 10],
    ]);
    expect(variants.reduce((n, v) => n + Number(v.initialVariantWeight), 0)).toBe(100);
    expect(config.dataCaptureConfig).toMatchObject({
      enableCapture: true,
      initialSamplingPercentage: stack === "prod" ? 20 : 100,
      destinationS3Uri: `s3://${platform.lake.buckets.raw.name}/ml/data-capture/clickstream/`,
      kmsKeyId: platform.lake.kmsKeyArn,
      captureOptions: [{ captureMode: "Input" }, { captureMode: "Output" }],
    });
    const group = one(plan, "aws:sagemaker/modelPackageGroup:ModelPackageGroup");
    const models = resourcesOf(plan, "aws:sagemaker/model:Model");
    // A/B: each variant serves its own approved version (champion 1, challenger 2).
    expect(
      models.map((m) =>
        String((m.inputs.primaryContainer as Json).modelPackageName)
          .split("/")
          .pop(),
      ),
    ).toEqual(["1", "2"]);
    for (const model of models) {
      expect(model.inputs.enableNetworkIsolation).toBe(true);
      expect(model.inputs.vpcConfig).toEqual({
        subnets: platform.subnetIds.private,
        securityGroupIds: [platform.securityGroupIds.lambda],
      });
      expect(String((model.inputs.primaryContainer as Json).modelPackageName)).toMatch(
        new RegExp(
          `^arn:aws:sagemaker:us-east-1:123456789012:model-package/${String(group.id).toLowerCase()}/[12]$`,
        ),
      );
    }
  });

  it(`runs ${stack === "prod" ? "at least two instances" : "one instance or more"} per variant and scales each on invocations per instance`, async () => {
    const { plan } = await load(stack);
    const endpoint = one(plan, "aws:sagemaker/endpoint:Endpoint");
    const config = one(plan, "aws:sagemaker/endpointConfiguration:EndpointConfiguration").inputs as Json;
    const min = stack === "prod" ? 2 : 1;
    for (const v of config.productionVariants as Json[])
      expect(v.initialInstanceCount).toBeGreaterThanOrEqual(min);
    const targets = resourcesOf(plan, "aws:appautoscaling/target:Target").filter(
      (t) => t.inputs.serviceNamespace === "sagemaker",
    );
    expect(targets.map((t) => [t.inputs.resourceId, t.inputs.minCapacity])).toEqual([
      [`endpoint/${endpoint.id}/variant/champion`, min],
      [`endpoint/${endpoint.id}/variant/challenger`, min],
    ]);
    for (const t of targets)
      expect(t.inputs.scalableDimension).toBe("sagemaker:variant:DesiredInstanceCount");
    const policies = resourcesOf(plan, "aws:appautoscaling/policy:Policy").filter(
      (p) => p.inputs.serviceNamespace === "sagemaker",
    );
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      expect(p.inputs.targetTrackingScalingPolicyConfiguration).toMatchObject({
        targetValue: 1000,
        predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
      });
    }
  });

  it("alarms on model latency, 5xx and model errors per variant, to the platform's topic", async () => {
    const { plan, platform } = await load(stack);
    const endpoint = one(plan, "aws:sagemaker/endpoint:Endpoint");
    const alarms = resourcesOf(plan, "aws:cloudwatch/metricAlarm:MetricAlarm").filter(
      (a) => a.inputs.namespace === "AWS/SageMaker",
    );
    const seen = alarms.map((a) => [(a.inputs.dimensions as Json).VariantName, a.inputs.metricName]);
    for (const variant of ["champion", "challenger"]) {
      for (const metric of ["ModelLatency", "Invocation5XXErrors", "InvocationModelErrors"]) {
        expect(seen).toContainEqual([variant, metric]);
      }
    }
    for (const a of alarms) {
      expect((a.inputs.dimensions as Json).EndpointName).toBe(endpoint.id);
      expect(a.inputs.alarmActions).toEqual([platform.alarmTopicArn]);
    }
    const latency = alarms.find((a) => a.inputs.metricName === "ModelLatency")!;
    expect(latency.inputs.threshold).toBe((stack === "prod" ? 200 : 500) * 1000); // microseconds
  });

  it("grants no SageMaker-wide or FullAccess permissions to any role", async () => {
    const { plan } = await load(stack);
    for (const r of resourcesOf(plan, "aws:iam/role:Role")) {
      expect(r.inputs.managedPolicyArns ?? []).toEqual([]);
    }
    expect(resourcesOf(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toEqual([]);
    for (const p of resourcesOf(plan, "aws:iam/rolePolicy:RolePolicy")) {
      for (const s of policyOf(p.inputs.policy).Statement as Statement[]) {
        const actions = list(s.Action);
        expect(actions.filter((a) => a === "*" || a === "sagemaker:*" || a.endsWith(":*"))).toEqual([]);
        // A `*` resource only for calls AWS cannot scope (ENIs, ECR login, X-Ray, metrics, listing).
        if (list(s.Resource).includes("*")) {
          expect(
            actions.filter((a) => a.startsWith("sagemaker:") && !a.startsWith("sagemaker:List")),
          ).toEqual([]);
        }
      }
    }
  });

  it("exports the endpoint and feature group names the API and dashboards read", async () => {
    const { plan } = await load(stack);
    expect(plan.outputs.inferenceEndpointName).toBe(one(plan, "aws:sagemaker/endpoint:Endpoint").id);
    expect(plan.outputs.featureGroupName).toBe(`clickstream-visitor-${stack}`);
  });
});

describe("SageMaker Studio", () => {
  it("runs VPC-only in the private subnets, encrypted with the ML key, where the switch is on (dev)", async () => {
    const { plan, platform } = await load("dev");
    const domain = one(plan, "aws:sagemaker/domain:Domain").inputs as Json;
    expect(domain).toMatchObject({
      authMode: "IAM",
      appNetworkAccessType: "VpcOnly",
      vpcId: platform.vpcId,
      subnetIds: platform.subnetIds.private,
      kmsKeyId: platform.kmsKeyArns.ml,
      defaultUserSettings: { securityGroups: [platform.securityGroupIds.lambda] },
    });
  });

  it("is absent where the switch is off (prod default)", async () => {
    const { plan } = await load("prod");
    expect(resourcesOf(plan, "aws:sagemaker/domain:Domain")).toEqual([]);
    expect(plan.outputs.studioDomainId).toBeUndefined();
  });
});

describe("changing the A/B weights", () => {
  it("replaces only the endpoint configuration: the endpoint keeps its name and only its configuration input changes", async () => {
    const before = (await load("dev")).plan;
    const after = (
      await load("dev", {
        variants: [
          { name: "champion", weight: 50, modelVersion: 1, minInstances: 1, maxInstances: 2 },
          { name: "challenger", weight: 50, modelVersion: 2, minInstances: 1, maxInstances: 2 },
        ],
      })
    ).plan;
    const type = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
    const [c0, c1] = [one(before, type), one(after, type)];
    expect((c1.inputs.productionVariants as Json[]).map((v) => v.initialVariantWeight)).toEqual([50, 50]);
    // Auto-named (no `name`): Pulumi creates the new configuration before deleting the old one.
    expect(c0.inputs.name).toBeUndefined();
    expect(c0.inputs.namePrefix).toBeUndefined();
    const { productionVariants: v0, ...rest0 } = c0.inputs as Json;
    const { productionVariants: v1, ...rest1 } = c1.inputs as Json;
    expect(rest1).toEqual(rest0);
    expect(v1).not.toEqual(v0);
    // The endpoint: same resource, same name; its only input is the configuration name (updated in place).
    const [e0, e1] = [
      one(before, "aws:sagemaker/endpoint:Endpoint"),
      one(after, "aws:sagemaker/endpoint:Endpoint"),
    ];
    expect(e1.urn).toBe(e0.urn);
    expect(e1.id).toBe(e0.id);
    expect(Object.keys(e1.inputs)).toEqual(["endpointConfigName"]);
    expect(e1.propertyDependencies.endpointConfigName).toEqual([c1.urn]);
    // Nothing else in the domain changes.
    const inputsOf = (plan: ProjectPlan) =>
      Object.fromEntries(
        plan.document.steps
          .filter((s) => s.newState.type !== type)
          .map((s) => [s.urn, JSON.stringify(s.newState.inputs)]),
      );
    expect(inputsOf(after)).toEqual(inputsOf(before));
  });
});
