import { ConfigError } from "../../config/errors";
import { resolveVariants } from "./inferenceEndpoint";
import { ML_DEFAULTS, mlSettings, servedVariants } from "./settings";
import { packagesArnOf, registryPolicy } from "./modelRegistry";
import { trainingPipelineDefinition } from "./pipelineDefinition";

const variant = (name: string, weight: number, minInstances = 1) => ({
  name,
  weight,
  modelVersion: 1,
  minInstances,
  maxInstances: 4,
});

describe("ML settings (clickstream:ml)", () => {
  it("splits traffic 90/10 by default, two instances per variant in prod, no ML on local", () => {
    expect(mlSettings("clickstream", "prod").variants.map((v) => [v.weight, v.minInstances])).toEqual([
      [90, 2],
      [10, 2],
    ]);
    expect(mlSettings("clickstream", "dev").studio).toBe(true);
    expect(mlSettings("clickstream", "local").enabled).toBe(false);
  });

  it("refuses weights that do not sum to 100, naming the key", () => {
    const run = () => mlSettings("clickstream", "dev", { variants: [variant("a", 60), variant("b", 30)] });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/clickstream:ml\.variants = .*: weights sum to 90: they must sum to 100/);
  });

  it("refuses a prod variant with one instance", () => {
    expect(() =>
      mlSettings("clickstream", "prod", { variants: [variant("a", 50, 2), variant("b", 50, 1)] }),
    ).toThrow(/clickstream:ml\.variants\[1\]\.minInstances = 1: at least 2 instances per variant in prod/);
  });

  it("refuses duplicate variant names, a sampling above 100 and an instance type without EBS volumes", () => {
    expect(() =>
      mlSettings("clickstream", "dev", { variants: [variant("a", 50), variant("a", 50)] }),
    ).toThrow(/variant names must be unique/);
    expect(() => mlSettings("clickstream", "dev", { dataCapturePercent: 150 })).toThrow(
      /clickstream:ml\.dataCapturePercent = 150/,
    );
    expect(() =>
      mlSettings("clickstream", "dev", {
        variants: [{ ...variant("a", 100), instanceType: "ml.g4dn.xlarge" }],
      }),
    ).toThrow(/clickstream:ml\.variants\[0\]\.instanceType = "ml\.g4dn\.xlarge"/);
  });

  it("names no model version by default: a fresh account has none approved, so no endpoint is planned", () => {
    for (const env of Object.keys(ML_DEFAULTS)) {
      expect(mlSettings("clickstream", env).variants.map((v) => v.modelVersion)).toEqual([
        undefined,
        undefined,
      ]);
      expect(servedVariants(mlSettings("clickstream", env).variants)).toEqual([]);
    }
  });

  it("serves one variant with all the traffic until a second version is approved, then the configured split", () => {
    const one = mlSettings("clickstream", "dev", {
      variants: [
        { ...variant("champion", 90), modelVersion: 1 },
        { ...variant("challenger", 10), modelVersion: undefined },
      ],
    });
    expect(servedVariants(one.variants).map((v) => [v.name, v.weight, v.modelVersion])).toEqual([
      ["champion", 100, 1],
    ]);
    const two = mlSettings("clickstream", "dev", {
      variants: [
        { ...variant("champion", 90), modelVersion: 3 },
        { ...variant("challenger", 10), modelVersion: 4 },
      ],
    });
    expect(servedVariants(two.variants).map((v) => [v.name, v.weight, v.modelVersion])).toEqual([
      ["champion", 90, 3],
      ["challenger", 10, 4],
    ]);
  });

  it("refuses an A/B test of one version against itself, naming the key", () => {
    expect(() =>
      mlSettings("clickstream", "dev", {
        variants: [
          { ...variant("champion", 90), modelVersion: 2 },
          { ...variant("challenger", 10), modelVersion: 2 },
        ],
      }),
    ).toThrow(
      /clickstream:ml\.variants\[1\]\.modelVersion = 2: a version other than variant "champion"'s \(2\)/,
    );
  });

  it("keeps every environment's defaults valid", () => {
    for (const env of Object.keys(ML_DEFAULTS)) expect(() => mlSettings("clickstream", env)).not.toThrow();
  });
});

describe("endpoint variants", () => {
  it("resolves defaults and checks the sum of the weights", () => {
    expect(
      resolveVariants(
        [
          { name: "a", weight: 70 },
          { name: "b", weight: 30 },
        ],
        1,
      ),
    ).toEqual([
      { name: "a", weight: 70, instanceType: "ml.m5.large", minInstances: 1, maxInstances: 4 },
      { name: "b", weight: 30, instanceType: "ml.m5.large", minInstances: 1, maxInstances: 4 },
    ]);
    expect(() =>
      resolveVariants(
        [
          { name: "a", weight: 70 },
          { name: "b", weight: 20 },
        ],
        1,
      ),
    ).toThrow("variants weights = a:70, b:20 sum to 90: they must sum to 100 (percent of traffic)");
    expect(() => resolveVariants([{ name: "a", weight: 100, minInstances: 1 }], 2)).toThrow(
      "variants[0].minInstances = 1: at least 2 instance(s) per variant in this environment",
    );
  });
});

describe("model registry policy", () => {
  it("lets readers describe versions and approvers update them, on this group only", () => {
    const groupArn = "arn:aws:sagemaker:us-east-1:1:model-package-group/g";
    const doc = JSON.parse(
      registryPolicy({ groupArn, packagesArn: packagesArnOf(groupArn), readers: ["r1"], approvers: ["a1"] }),
    );
    expect(
      doc.Statement.map((s: { Sid: string; Action: string[] }) => [
        s.Sid,
        s.Action.includes("sagemaker:UpdateModelPackage"),
      ]),
    ).toEqual([
      ["ReadVersions", false],
      ["ApproveVersions", true],
    ]);
    expect(doc.Statement[0].Resource).toEqual([groupArn, "arn:aws:sagemaker:us-east-1:1:model-package/g/*"]);
  });
});

describe("training pipeline definition", () => {
  it("uses the threshold it is given and chains every step's data through step properties", () => {
    const def = trainingPipelineDefinition({
      roleArn: "arn:aws:iam::1:role/r",
      imageUri: "img",
      offlineStoreUri: "s3://processed/fs/",
      artifactsUri: "s3://artifacts/ml/p/",
      code: {
        prepare: "s3://artifacts/ml/p/code/prepare.py",
        evaluate: "s3://artifacts/ml/p/code/evaluate.py",
      },
      kmsKeyArn: "k",
      subnetIds: ["s"],
      securityGroupIds: ["g"],
      modelPackageGroupName: "group",
      features: { label: "y", numeric: ["x1", "x2"], recordIdentifier: "id", eventTime: "t" },
      minAuc: 0.8,
      instanceType: "ml.m5.large",
      instanceCount: 1,
      volumeSizeGb: 30,
      maxRuntimeSeconds: 600,
      hyperParameters: { objective: "binary:logistic" },
      inferenceInstanceTypes: ["ml.m5.large"],
    }) as unknown as {
      Parameters: { Name: string; DefaultValue: unknown }[];
      Steps: { Arguments: Record<string, never> }[];
    };
    expect(def.Parameters.find((p) => p.Name === "MinAuc")!.DefaultValue).toBe(0.8);
    const train = def.Steps[1].Arguments as unknown as {
      InputDataConfig: { DataSource: { S3DataSource: { S3Uri: unknown } } }[];
    };
    expect(train.InputDataConfig.map((c) => c.DataSource.S3DataSource.S3Uri)).toEqual([
      { Get: "Steps.Prepare.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" },
      { Get: "Steps.Prepare.ProcessingOutputConfig.Outputs['validation'].S3Output.S3Uri" },
    ]);
    const prepare = def.Steps[0].Arguments as unknown as {
      AppSpecification: { ContainerArguments: string[] };
    };
    expect(prepare.AppSpecification.ContainerArguments).toEqual([
      "--label",
      "y",
      "--features",
      "x1,x2",
      "--record-id",
      "id",
      "--event-time",
      "t",
    ]);
  });
});
