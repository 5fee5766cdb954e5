import { EMR_SERVICE_POLICY_V2 } from "./perms";
import { LIMITS } from "../../config/limits";
import { allOf, batchPlan, idOf, inputsOf, keysOf } from "../../harness/fixtures/batch/plan";
import { overBroadStatements, type PolicyDocument } from "./iam";
import {
  emrSecurityConfiguration,
  resolveScaling,
  sparkJobPolicy,
  validateSparkArgs,
  emrServiceExtraPolicy,
  sparkSubmitPolicy,
} from "./sparkCluster";

const KEY = (n: string) => `arn:aws:kms:us-east-1:123456789012:key/${n}`;

describe("EMR scaling limits", () => {
  it("defaults to 2 on-demand core nodes scaling between 3 and 10 nodes", () => {
    expect(resolveScaling()).toEqual({
      scaling: { minNodes: 3, maxNodes: 10, coreNodes: 2, maxCoreNodes: 2 },
      problems: [],
    });
  });

  it("accepts exactly the EMR per-cluster limit and refuses one node more, naming the field and the limit", () => {
    expect(resolveScaling({ maxNodes: LIMITS.emrMaxNodes }).problems).toEqual([]);
    const { problems } = resolveScaling({ maxNodes: LIMITS.emrMaxNodes + 1 });
    expect(problems).toEqual([
      { field: "scaling.maxNodes", value: 501, allowed: "an integer from 1 to 500 (EMR nodes per cluster)" },
    ]);
  });

  it("refuses bounds that contradict each other", () => {
    const fields = (s: Parameters<typeof resolveScaling>[0]) =>
      resolveScaling(s).problems.map((p) => p.field);
    expect(fields({ minNodes: 1, coreNodes: 2 })).toEqual(["scaling.minNodes"]);
    expect(fields({ maxNodes: 4, minNodes: 5 })).toEqual(["scaling.minNodes"]);
    expect(fields({ maxNodes: 4, maxCoreNodes: 6 })).toEqual(["scaling.maxCoreNodes"]);
    expect(fields({ coreNodes: 0 })).toEqual(["scaling.coreNodes"]);
    expect(fields({ maxNodes: 2.5 })).toEqual(["scaling.maxNodes"]);
  });
});

describe("EMR arguments", () => {
  const ok = {
    releaseLabel: "emr-7.9.0",
    idleTimeoutSeconds: 3600,
    spotTimeoutMinutes: 10,
    ebsVolumeGb: 64,
    subnetCount: 2,
    serverless: false,
    hasTlsCertificates: true,
  };
  it("accepts emr-7.x only", () => {
    expect(validateSparkArgs(ok)).toEqual([]);
    expect(validateSparkArgs({ ...ok, releaseLabel: "emr-6.15.0" }).map((p) => p.field)).toEqual([
      "releaseLabel",
    ]);
  });
  it("needs the TLS certificate bundle for a cluster but not for EMR Serverless", () => {
    expect(validateSparkArgs({ ...ok, hasTlsCertificates: false }).map((p) => p.field)).toEqual([
      "tlsCertificatesS3Uri",
    ]);
    expect(validateSparkArgs({ ...ok, hasTlsCertificates: false, serverless: true })).toEqual([]);
  });
  it("refuses an auto-termination timeout EMR rejects", () => {
    expect(validateSparkArgs({ ...ok, idleTimeoutSeconds: 30 }).map((p) => p.field)).toEqual([
      "idleTimeoutSeconds",
    ]);
  });
});

describe("EMR security configuration", () => {
  const doc = JSON.parse(
    JSON.stringify(
      emrSecurityConfiguration({
        dataKmsKeyArn: KEY("lake"),
        localDiskKmsKeyArn: KEY("disk"),
        tlsCertificatesS3Uri: "s3://artifacts/emr/tls/certs.zip",
      }),
    ),
  );
  it("encrypts EMRFS objects with SSE-KMS and the data key", () => {
    expect(doc.EncryptionConfiguration.EnableAtRestEncryption).toBe(true);
    expect(doc.EncryptionConfiguration.AtRestEncryptionConfiguration.S3EncryptionConfiguration).toEqual({
      EncryptionMode: "SSE-KMS",
      AwsKmsKey: KEY("lake"),
    });
  });
  it("encrypts local disks including EBS volumes with the disk key", () => {
    expect(
      doc.EncryptionConfiguration.AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration,
    ).toEqual({
      EncryptionKeyProviderType: "AwsKms",
      AwsKmsKey: KEY("disk"),
      EnableEbsEncryption: true,
    });
  });
  it("encrypts in transit with PEM certificates from S3 and requires IMDSv2", () => {
    expect(doc.EncryptionConfiguration.EnableInTransitEncryption).toBe(true);
    expect(doc.EncryptionConfiguration.InTransitEncryptionConfiguration.TLSCertificateConfiguration).toEqual({
      CertificateProviderType: "PEM",
      S3Object: "s3://artifacts/emr/tls/certs.zip",
    });
    expect(doc.InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion).toBe(2);
  });
});

describe("EMR roles", () => {
  it("lets instances write logs only under the log prefix and read only the certificate object", () => {
    const doc = sparkJobPolicy({
      logUri: "s3://logs/emr/spark/",
      dataKmsKeyArn: KEY("lake"),
      localDiskKmsKeyArn: KEY("disk"),
      logKmsKeyArn: KEY("logs"),
      tlsCertificatesS3Uri: "s3://artifacts/emr/tls/certs.zip",
    });
    const sid = (s: string) => doc.Statement.find((x) => x.Sid === s)!;
    expect(sid("WriteLogs").Resource).toBe("arn:aws:s3:::logs/emr/spark/*");
    expect(sid("ListLogPrefix").Condition).toEqual({ StringLike: { "s3:prefix": ["emr/spark/*"] } });
    expect(sid("ReadTlsCertificates").Resource).toBe("arn:aws:s3:::artifacts/emr/tls/certs.zip");
    expect(sid("UseKeys").Resource).toEqual([KEY("lake"), KEY("logs"), KEY("disk")]);
    expect(doc.Statement.find((s) => s.Sid === "ReadScripts")).toBeUndefined();
    expect(overBroadStatements(doc)).toEqual([]);
  });
  it("refuses a log location that is not an S3 URI", () => {
    expect(() =>
      sparkJobPolicy({ logUri: "logs/emr", dataKmsKeyArn: KEY("a"), logKmsKeyArn: KEY("a") }),
    ).toThrow(/logUri = "logs\/emr": an S3 location/);
  });
  it("lets the service role pass only this instance role, to EC2 only", () => {
    const doc = emrServiceExtraPolicy({
      instanceRoleArn: "arn:aws:iam::1:role/i",
      localDiskKmsKeyArn: KEY("disk"),
    });
    const pass = doc.Statement.find((s) => s.Sid === "PassInstanceRole")!;
    expect(pass).toMatchObject({ Action: ["iam:PassRole"], Resource: "arn:aws:iam::1:role/i" });
    expect(pass.Condition).toEqual({ StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } });
    expect(doc.Statement.find((s) => s.Sid === "GrantLocalDiskKeyToEbs")!.Condition).toEqual({
      Bool: { "kms:GrantIsForAWSResource": "true" },
    });
  });
});

describe("Spark submit grants", () => {
  it("let a submitter pass the job role to EMR Serverless only, for this application's runs", () => {
    const doc = sparkSubmitPolicy({
      kind: "serverless",
      applicationArn: "arn:app",
      jobRoleArn: "arn:aws:iam::1:role/job",
    });
    expect(doc.Statement[0].Resource).toEqual(["arn:app", "arn:app/jobruns/*"]);
    expect(doc.Statement[1]).toMatchObject({
      Action: ["iam:PassRole"],
      Resource: "arn:aws:iam::1:role/job",
      Condition: { StringEquals: { "iam:PassedToService": "emr-serverless.amazonaws.com" } },
    });
    expect(overBroadStatements(doc)).toEqual([]);
  });

  it("scope the MWAA execution role's step submission to the prod-like stack's cluster", async () => {
    const p = await batchPlan("prod");
    const grant = JSON.parse(
      String(inputsOf(p, "aws:iam/rolePolicy:RolePolicy", "spark-submit-airflow").policy),
    ) as PolicyDocument;
    expect(grant.Statement).toEqual([
      expect.objectContaining({ Sid: "SubmitSteps", Resource: p.outputs.sparkClusterArn }),
    ]);
    const step = p.document.steps.find((s) => s.urn.endsWith("::spark-submit-airflow"))!;
    expect(step.newState.parent).toMatch(/dataplatform:batch:SparkCluster::spark$/);
  });
});

describe("EMR cluster in a prod-like stack", () => {
  const plan = () => batchPlan("prod");

  it("runs in the private subnets with the EMR master, worker and service-access security groups", async () => {
    const p = await plan();
    const ec2 = inputsOf(p, "aws:emr/cluster:Cluster").ec2Attributes as Record<string, unknown>;
    expect(ec2.subnetIds).toEqual([0, 1, 2].map((i) => idOf(p, "aws:ec2/subnet:Subnet", `private-${i}`)));
    expect(ec2.emrManagedMasterSecurityGroup).toBe(
      idOf(p, "aws:ec2/securityGroup:SecurityGroup", "emr-master"),
    );
    expect(ec2.emrManagedSlaveSecurityGroup).toBe(
      idOf(p, "aws:ec2/securityGroup:SecurityGroup", "emr-worker"),
    );
    expect(ec2.serviceAccessSecurityGroup).toBe(
      idOf(p, "aws:ec2/securityGroup:SecurityGroup", "emr-service-access"),
    );
  });

  it("keeps core capacity on demand and puts task capacity on capacity-optimized spot that falls back to on-demand", async () => {
    const p = await plan();
    const core = inputsOf(p, "aws:emr/cluster:Cluster").coreInstanceFleet as Record<string, unknown>;
    expect(core).toMatchObject({ targetOnDemandCapacity: 2, targetSpotCapacity: 0 });
    expect(core.launchSpecifications).toEqual({
      onDemandSpecifications: [{ allocationStrategy: "lowest-price" }],
    });
    const task = inputsOf(p, "aws:emr/instanceFleet:InstanceFleet", "spark-task");
    expect(task).toMatchObject({
      targetOnDemandCapacity: 0,
      targetSpotCapacity: 1,
      clusterId: p.outputs.sparkClusterId,
    });
    expect(task.launchSpecifications).toEqual({
      spotSpecifications: [
        {
          allocationStrategy: "capacity-optimized",
          timeoutAction: "SWITCH_TO_ON_DEMAND",
          timeoutDurationMinutes: 10,
        },
      ],
    });
    expect((task.instanceTypeConfigs as unknown[]).length).toBeGreaterThanOrEqual(3);
  });

  it("scales within the configured node limit with on-demand capped at the core fleet", async () => {
    const p = await plan();
    expect(inputsOf(p, "aws:emr/managedScalingPolicy:ManagedScalingPolicy").computeLimits).toEqual([
      {
        unitType: "InstanceFleetUnits",
        minimumCapacityUnits: 3,
        maximumCapacityUnits: 50, // prod's batch.emrMaxNodes
        maximumCoreCapacityUnits: 2,
        maximumOndemandCapacityUnits: 2,
      },
    ]);
  });

  it("stays up between runs (no idle termination), logs to S3 encrypted with the logs key and uses an emr-7 release", async () => {
    const p = await plan();
    const c = inputsOf(p, "aws:emr/cluster:Cluster");
    // Persistent: no idle auto-termination, so the cluster never drifts out of the stack.
    expect(c.autoTerminationPolicy).toBeUndefined();
    expect(c.keepJobFlowAliveWhenNoSteps).toBe(true);
    expect(c.logUri).toMatch(/^s3:\/\/logs-[0-9a-f]+\/emr\/spark\/$/);
    expect(c.logEncryptionKmsKeyId).toBe(keysOf(p).logs);
    expect(c.releaseLabel).toMatch(/^emr-7\./);
  });

  it("attaches a security configuration with the fixture's lake and disk keys", async () => {
    const p = await plan();
    const sc = inputsOf(p, "aws:emr/securityConfiguration:SecurityConfiguration");
    // The cluster names the configuration AWS created from the prefix (the resource's id), not the prefix.
    const scId = p.document.steps.find(
      (st) => st.newState.type === "aws:emr/securityConfiguration:SecurityConfiguration",
    )!.newState.id;
    expect(String(scId).startsWith(String(sc.namePrefix))).toBe(true);
    expect(inputsOf(p, "aws:emr/cluster:Cluster").securityConfiguration).toBe(scId);
    const doc = JSON.parse(String(sc.configuration));
    const atRest = doc.EncryptionConfiguration.AtRestEncryptionConfiguration;
    expect(atRest.S3EncryptionConfiguration.AwsKmsKey).toBe(keysOf(p).lake);
    expect(atRest.LocalDiskEncryptionConfiguration.AwsKmsKey).toBe(keysOf(p).disk);
    expect(
      doc.EncryptionConfiguration.InTransitEncryptionConfiguration.TLSCertificateConfiguration.S3Object,
    ).toMatch(/^s3:\/\/artifacts-[0-9a-f]+\/emr\/tls\/certs\.zip$/);
  });

  it("blocks public security group rules account-wide with no exceptions", async () => {
    const p = await plan();
    const bpa = inputsOf(p, "aws:emr/blockPublicAccessConfiguration:BlockPublicAccessConfiguration");
    expect(bpa.blockPublicSecurityGroupRules).toBe(true);
    expect(bpa.permittedPublicSecurityGroupRuleRanges ?? []).toEqual([]);
  });

  it("gives the service role AmazonEMRServicePolicy_v2 and no FullAccess policy", async () => {
    const p = await plan();
    const attachments = allOf(p, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) =>
      String(a.inputs.policyArn),
    );
    expect(attachments).toEqual([`arn:aws:iam::aws:policy/${EMR_SERVICE_POLICY_V2}`]);
    const trust = JSON.parse(String(inputsOf(p, "aws:iam/role:Role", "spark-service").assumeRolePolicy));
    expect(trust.Statement[0].Principal).toEqual({ Service: "elasticmapreduce.amazonaws.com" });
    const extra = JSON.parse(
      String(inputsOf(p, "aws:iam/rolePolicy:RolePolicy", "spark-service").policy),
    ) as PolicyDocument;
    expect(extra.Statement.find((s) => s.Sid === "PassInstanceRole")!.Resource).toBe(
      p.outputs.sparkJobRoleArn,
    );
  });

  it("stops with the field, the value and the EMR limit when the configured maximum exceeds 500 nodes", async () => {
    await expect(batchPlan("prod", { batch: { emrMaxNodes: 501, mwaa: false } })).rejects.toThrow(
      /SparkCluster "spark": invalid arguments:\n\s+- scaling\.maxNodes = 501: an integer from 1 to 500 \(EMR nodes per cluster\)/,
    );
  });
});

describe("EMR Serverless in a dev-like stack", () => {
  it("replaces the cluster with an application in the private subnets, capped in capacity", async () => {
    const p = await batchPlan("dev");
    expect(allOf(p, "aws:emr/cluster:Cluster")).toEqual([]);
    const app = inputsOf(p, "aws:emrserverless/application:Application");
    expect(app).toMatchObject({ type: "spark", releaseLabel: "emr-7.9.0" });
    expect(app.maximumCapacity).toEqual({ cpu: "40 vCPU", memory: "160 GB" }); // dev's emrMaxNodes = 10
    expect(app.networkConfiguration).toEqual({
      subnetIds: [0, 1, 2].map((i) => idOf(p, "aws:ec2/subnet:Subnet", `private-${i}`)),
      securityGroupIds: [idOf(p, "aws:ec2/securityGroup:SecurityGroup", "emr-worker")],
    });
    expect(app.autoStopConfiguration).toEqual({ enabled: true, idleTimeoutMinutes: 60 });
    expect(
      (app.monitoringConfiguration as Record<string, Record<string, unknown>>).s3MonitoringConfiguration,
    ).toEqual({
      logUri: expect.stringMatching(/^s3:\/\/logs-[0-9a-f]+\/emr\/spark\/$/),
      encryptionKeyArn: keysOf(p).logs,
    });
    const trust = JSON.parse(String(inputsOf(p, "aws:iam/role:Role", "spark-job").assumeRolePolicy));
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Service: "emr-serverless.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
    });
  });
});
