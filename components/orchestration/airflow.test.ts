import { allOf, batchPlan, idOf, inputsOf, keysOf } from "../../harness/fixtures/batch/plan";
import { overBroadStatements, type PolicyDocument } from "../batch/iam";
import { AIRFLOW_LOG_KINDS, airflowExecutionPolicy, airflowProblems } from "./airflow";

describe("MWAA arguments", () => {
  it("needs exactly two subnets and a worker range MWAA accepts", () => {
    const ok = { subnetCount: 2, minWorkers: 1, maxWorkers: 5, airflowVersion: "2.10.3" };
    expect(airflowProblems(ok)).toEqual([]);
    expect(airflowProblems({ ...ok, subnetCount: 3 }).map((p) => p.field)).toEqual(["subnetIds"]);
    expect(airflowProblems({ ...ok, minWorkers: 4, maxWorkers: 2 }).map((p) => p.field)).toEqual([
      "maxWorkers",
    ]);
  });

  it("scopes the execution role to its environment, bucket, log groups, queues and key via SQS/S3", () => {
    const doc = airflowExecutionPolicy({
      environmentName: "env-1",
      region: "us-east-1",
      accountId: "1",
      bucketArn: "arn:aws:s3:::airflow-x",
      kmsKeyArn: "arn:aws:kms:us-east-1:1:key/k",
    });
    const sid = (s: string) => doc.Statement.find((x) => x.Sid === s)!;
    expect(sid("PublishMetrics").Resource).toBe("arn:aws:airflow:us-east-1:1:environment/env-1");
    expect(sid("OwnLogs").Resource).toBe("arn:aws:logs:us-east-1:1:log-group:airflow-env-1-*");
    expect(sid("UseKeyThroughSqsAndS3").Condition).toEqual({
      StringLike: { "kms:ViaService": ["sqs.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com"] },
    });
    expect(overBroadStatements(doc)).toEqual([]);
  });
});

describe("MWAA switch", () => {
  it("is off in the dev-like stack", async () => {
    const p = await batchPlan("dev");
    expect(allOf(p, "aws:mwaa/environment:Environment")).toEqual([]);
  });

  it("is private, KMS-encrypted and logs every Airflow component when on", async () => {
    const p = await batchPlan("prod");
    const env = inputsOf(p, "aws:mwaa/environment:Environment");
    expect(env).toMatchObject({
      webserverAccessMode: "PRIVATE_ONLY",
      kmsKey: keysOf(p).mwaa,
      dagS3Path: "dags/",
    });
    expect(env.networkConfiguration).toEqual({
      subnetIds: [0, 1].map((i) => idOf(p, "aws:ec2/subnet:Subnet", `private-${i}`)),
      securityGroupIds: [idOf(p, "aws:ec2/securityGroup:SecurityGroup", "mwaa")],
    });
    const logging = env.loggingConfiguration as Record<string, { enabled: boolean; logLevel: string }>;
    expect(Object.keys(logging).sort()).toEqual([...AIRFLOW_LOG_KINDS].sort());
    for (const kind of AIRFLOW_LOG_KINDS) expect(logging[kind]).toEqual({ enabled: true, logLevel: "INFO" });
    const policy = JSON.parse(
      String(inputsOf(p, "aws:iam/rolePolicy:RolePolicy", "airflow-execution").policy),
    ) as PolicyDocument;
    expect(policy.Statement.find((s) => s.Sid === "PublishMetrics")!.Resource).toBe(
      p.outputs.airflowEnvironmentArn,
    );
  });

  it("keeps DAGs in a bucket hardened like the lake's", async () => {
    const p = await batchPlan("prod");
    const bucketId = idOf(p, "aws:s3/bucket:Bucket", "airflow-dags");
    const of = (type: string) => inputsOf(p, type, "airflow-dags");
    expect(
      of("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"),
    ).toEqual({
      bucket: bucketId,
      rules: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keysOf(p).mwaa },
          bucketKeyEnabled: true,
        },
      ],
    });
    expect(of("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")).toEqual({
      bucket: bucketId,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(of("aws:s3/bucketOwnershipControls:BucketOwnershipControls").rule).toEqual({
      objectOwnership: "BucketOwnerEnforced",
    });
    expect(of("aws:s3/bucketVersioning:BucketVersioning").versioningConfiguration).toEqual({
      status: "Enabled",
    });
    expect(of("aws:s3/bucketLogging:BucketLogging")).toMatchObject({
      targetBucket: idOf(p, "aws:s3/bucket:Bucket", "logs"),
      targetPrefix: "mwaa/airflow/",
    });
    const policy = JSON.parse(String(of("aws:s3/bucketPolicy:BucketPolicy").policy));
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
    const bucket = p.document.steps.find(
      (s) => s.urn.endsWith("::airflow-dags") && s.newState.type === "aws:s3/bucket:Bucket",
    )!;
    expect(bucket.newState.retainOnDelete).toBe(true);
    expect(bucket.newState.inputs.forceDestroy).toBe(false);
  });
});
