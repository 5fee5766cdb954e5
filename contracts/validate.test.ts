import { resolvePlatformConfig } from "../config";
import { BASE_CONFIG } from "../config/testing";
import { DATA_CLASSES, PlatformOutputsSchema } from "./platform";
import { platformStackName } from "./reference";
import { ContractError, validateOutputs } from "./validate";

const cfg = resolvePlatformConfig(BASE_CONFIG, "dev");
const good = {
  contractVersion: 1,
  settings: {
    streaming: cfg.streaming,
    batch: { glueMaxDpu: cfg.batch.glueMaxDpu, emrMaxNodes: cfg.batch.emrMaxNodes },
    alarms: cfg.alarms,
    lake: { allowDestroyData: cfg.lake.allowDestroyData },
  },
  environment: "dev",
  region: "us-east-1",
  drRegion: "us-west-2",
  tags: { Owner: "x" },
  logRetentionDays: 14,
  vpcId: "vpc-1",
  vpcCidr: "10.0.0.0/16",
  availabilityZones: ["us-east-1a", "us-east-1b"],
  subnetIds: {
    public: ["subnet-1", "subnet-2"],
    private: ["subnet-3", "subnet-4"],
    database: ["subnet-5", "subnet-6"],
  },
  securityGroupIds: {
    emrMaster: "sg-1",
    emrWorker: "sg-2",
    emrServiceAccess: "sg-3",
    redshift: "sg-4",
    lambda: "sg-5",
    redis: "sg-6",
    vpcEndpoints: "sg-7",
    airflow: "sg-8",
  },
  subnetGroupNames: { redshift: "rs", elasticache: "ec", rds: "rds" },
  kmsKeyArns: Object.fromEntries(DATA_CLASSES.map((c) => [c, `arn:aws:kms:us-east-1:1:key/${c}`])),
  logGroupNames: { vpcFlowLogs: "/flow" },
  bucketNames: {},
  lakeFormationTags: {
    domain: { key: "domain", values: ["shared"] },
    classification: { key: "classification", values: ["internal"] },
  },
  lake: {
    kmsKeyArn: "arn:aws:kms:us-east-1:1:key/lake",
    buckets: Object.fromEntries(
      ["raw", "processed", "curated", "queryResults", "artifacts"].map((b) => [
        b,
        { name: b, arn: `arn:aws:s3:::${b}` },
      ]),
    ),
    securityConfigurationName: "lake-security",
    databases: { raw: "lake_dev_raw", processed: "lake_dev_processed", curated: "lake_dev_curated" },
    workgroup: "analytics",
  },
  alarmTopicArn: "arn:aws:sns:us-east-1:1:alarms",
};

describe("platform contract", () => {
  it("accepts the outputs the platform stack exports", () => {
    expect(validateOutputs(PlatformOutputsSchema, good, "acme/data-platform/dev").region).toBe("us-east-1");
  });

  it("names every missing output and the producing stack", () => {
    const { region: _r, drRegion: _d, ...rest } = good;
    expect(() => validateOutputs(PlatformOutputsSchema, rest, "acme/data-platform/dev")).toThrow(
      new ContractError("acme/data-platform/dev", [
        'output "region" is missing (Invalid input: expected string, received undefined)',
        'output "drRegion" is missing (Invalid input: expected string, received undefined)',
      ]),
    );
  });

  it("names a data class whose key is missing and a key that is not an ARN", () => {
    const { lake: _l, ...rest } = good.kmsKeyArns;
    expect(() =>
      validateOutputs(PlatformOutputsSchema, { ...good, kmsKeyArns: { ...rest, ml: "key-1" } }, "s"),
    ).toThrow(/output "kmsKeyArns\.lake" is invalid[\s\S]*output "kmsKeyArns\.ml" is invalid/);
  });

  it("refuses a contract version it does not know", () => {
    expect(() => validateOutputs(PlatformOutputsSchema, { ...good, contractVersion: 2 }, "s")).toThrow(
      /output "contractVersion" is invalid/,
    );
  });

  it("builds StackReference names by convention and honours an override", () => {
    expect(platformStackName({ org: "acme", stack: "prod" })).toBe("acme/data-platform/prod");
    expect(platformStackName({ org: "acme", stack: "prod", override: "other/data-platform/prod" })).toBe(
      "other/data-platform/prod",
    );
  });
});
