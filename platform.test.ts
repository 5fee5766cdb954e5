/**
 * The platform project as a whole: its providers, its contract, and how its environments differ.
 */
import { resourcesByType } from "./cli/plan";
import { PlatformOutputsSchema } from "./contracts/platform";
import type { ProjectPlan } from "./harness/evaluate";
import { platformPlan, resourcesOf } from "./harness/testing";

const counts = (plan: ProjectPlan) => Object.fromEntries(resourcesByType(plan));

describe.each(["local", "dev", "prod"])("the %s platform plan", (stack) => {
  it("evaluates and satisfies the platform contract", async () => {
    const p = await platformPlan(stack);
    const outputs = PlatformOutputsSchema.parse(p.outputs);
    // The contract's ids are those of the plan's resources.
    const tierOf = new Map(
      resourcesOf(p, "aws:ec2/subnet:Subnet").map((s) => [
        s.id,
        (s.inputs.tags as Record<string, string>).Tier,
      ]),
    );
    for (const tier of ["public", "private", "database"] as const) {
      expect(outputs.subnetIds[tier].map((id) => tierOf.get(id))).toEqual([tier, tier]);
    }
    const groups = new Map(
      resourcesOf(p, "aws:ec2/securityGroup:SecurityGroup").map((g) => [
        g.id,
        (g.inputs.tags as Record<string, string>).Role,
      ]),
    );
    for (const [role, id] of Object.entries(outputs.securityGroupIds)) expect(groups.get(id)).toBe(role);
    const keys = new Map(
      resourcesOf(p, "aws:kms/key:Key").map((k) => [
        String(k.id),
        (k.inputs.tags as Record<string, string>).DataClass,
      ]),
    );
    for (const [dataClass, arn] of Object.entries(outputs.kmsKeyArns))
      expect(keys.get(arn.split("/").pop()!)).toBe(dataClass);
  });

  it("creates every resource through the explicit tagged providers, the DR one only for replicas", async () => {
    const p = await platformPlan(stack);
    const providers = resourcesOf(p, "pulumi:providers:aws");
    expect(providers.map((r) => r.urn.split("::").pop()).sort()).toEqual(["platform-aws", "platform-aws-dr"]);
    for (const step of p.document.steps) {
      const s = step.newState;
      // Non-AWS packages (random: the cache's AUTH token) have their own default providers.
      if (!s.custom || !s.type.startsWith("aws:")) continue;
      const provider = String(step.provider);
      expect(provider).toMatch(/::pulumi:providers:aws::platform-aws(-dr)?::/);
      const dr = provider.includes("::platform-aws-dr::");
      const replica =
        s.type === "aws:kms/replicaKey:ReplicaKey" ||
        (s.type === "aws:kms/alias:Alias" && s.urn.endsWith("-replica-alias")) ||
        // lake.replication: the replica buckets and their access-log bucket live in the DR region
        (s.urn.includes("dataplatform:lake:DataLake$") &&
          /::lake-(dr-access-logs|(raw|curated)-replica)(-|$)/.test(s.urn)) ||
        // backup copies and Redshift snapshot copies land in the DR region (prod)
        /::(backup-dr-vault|warehouse-dr-copy-grant)$/.test(s.urn);
      expect([s.urn, dr]).toEqual([s.urn, replica]);
    }
  });
});

describe("dev and prod", () => {
  it("differ exactly where the configuration says", async () => {
    const [dev, prod] = await Promise.all([platformPlan("dev"), platformPlan("prod")]);
    const [d, p] = [counts(dev), counts(prod)];
    const differing = Object.fromEntries(
      [...new Set([...Object.keys(d), ...Object.keys(p)])]
        .filter((type) => d[type] !== p[type])
        .map((type) => [type, [d[type] ?? 0, p[type] ?? 0]]),
    );
    expect(differing).toEqual({
      // network.natGateways: single -> perAz (2 AZs)
      "aws:ec2/natGateway:NatGateway": [1, 2],
      "aws:ec2/eip:Eip": [1, 2],
      // network.interfaceEndpoints: false -> true (10 services, plus the 2 gateway endpoints both have)
      "aws:ec2/vpcEndpoint:VpcEndpoint": [2, 12],
      // security.multiRegionKeys: false -> true (a replica and its alias per data class)
      "aws:kms/replicaKey:ReplicaKey": [0, 6],
      "aws:kms/alias:Alias": [6, 12],
      // security.securityHub: false -> true
      "aws:securityhub/account:Account": [0, 1],
      "aws:securityhub/standardsSubscription:StandardsSubscription": [0, 1],
      // lake.replication: false -> true (raw and curated replicas, a DR access-log bucket, the replication role)
      "aws:s3/bucket:Bucket": [8, 11],
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": [8, 11],
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls": [8, 11],
      "aws:s3/bucketPolicy:BucketPolicy": [8, 11],
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": [8, 11],
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [8, 11],
      "aws:s3/bucketVersioning:BucketVersioning": [8, 11],
      "aws:s3/bucketLogging:BucketLogging": [5, 7],
      "aws:s3/bucketReplicationConfig:BucketReplicationConfig": [0, 2],
      // lake.replication's role, and batch.emrServerless: true -> false (EMR service and instance roles);
      // both have the backup role (its key policy and two AWS Backup service-role attachments) and the
      // GitHub Actions preview and deploy roles with their policies; the lake analyst role (query +
      // Lake Formation credentials; LF credentials for Spectrum and Spark, Spark's S3 grants on the
      // processed and curated zones)
      "aws:iam/role:Role": [11, 14],
      "aws:iam/rolePolicy:RolePolicy": [18, 21],
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment": [3, 4],
      "aws:iam/instanceProfile:InstanceProfile": [0, 1],
      "aws:emrserverless/application:Application": [1, 0],
      "aws:emr/cluster:Cluster": [0, 1],
      "aws:emr/instanceFleet:InstanceFleet": [0, 1],
      "aws:emr/managedScalingPolicy:ManagedScalingPolicy": [0, 1],
      "aws:emr/securityConfiguration:SecurityConfiguration": [0, 1],
      // backup.copyToDrRegion: false -> true (a DR vault with its policy, Redshift snapshot copy)
      "aws:backup/vault:Vault": [1, 2],
      "aws:backup/vaultPolicy:VaultPolicy": [1, 2],
      "aws:redshift/snapshotCopy:SnapshotCopy": [0, 1],
      "aws:redshift/snapshotCopyGrant:SnapshotCopyGrant": [0, 1],
      // platform alarms: EMR Serverless has one (failed jobs), an EMR cluster three; lake.replication
      // adds failure and latency alarms for the raw and curated zones; cache.nodes 1 -> 2 adds CPU and
      // memory alarms of the second Redis node
      "aws:cloudwatch/metricAlarm:MetricAlarm": [6, 14],
    });

    // Among resources both have, only the configured inputs differ. Ids and physical names differ
    // per stack, so references to them are compared by the logical name of what they point to.
    const inputs = (plan: ProjectPlan) => {
      const ids = plan.document.steps
        .filter((s) => s.newState.id)
        .map((s) => [String(s.newState.id), `<${s.urn.split("::").pop()}>`] as const)
        .sort((a, b) => b[0].length - a[0].length);
      return new Map(
        plan.document.steps
          .filter((s) => s.newState.custom)
          .map((s) => {
            const text = ids.reduce(
              (t, [id, name]) => t.split(id).join(name),
              JSON.stringify(s.newState.inputs),
            );
            const [, , type, name] = s.urn.split("::");
            return [`${type.split("$").pop()}::${name}`, JSON.parse(text) as Record<string, unknown>];
          }),
      );
    };
    const [di, pi] = [inputs(dev), inputs(prod)];
    const changed = new Set<string>();
    for (const [key, devInputs] of di) {
      const prodInputs = pi.get(key);
      if (!prodInputs) continue;
      for (const k of new Set([...Object.keys(devInputs), ...Object.keys(prodInputs)])) {
        if (JSON.stringify(devInputs[k]) !== JSON.stringify(prodInputs[k]))
          changed.add(`${key.split("::")[0]}.${k}`);
      }
    }
    expect([...changed].sort()).toEqual(
      [
        "pulumi:providers:aws.defaultTags", // Environment tag
        "pulumi:providers:aws.allowedAccountIds", // accountId: each environment its own account
        "aws:cloudwatch/logGroup:LogGroup.retentionInDays", // flowLogRetentionDays, observability.logRetentionDays
        "aws:kms/key:Key.deletionWindowInDays", // security.kmsDeletionWindowDays
        "aws:kms/key:Key.multiRegion", // security.multiRegionKeys
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration.rules", // security.auditLogRetentionDays
        "aws:cfg/rule:Rule.description", // the log retention the rule checks ...
        "aws:cfg/rule:Rule.inputParameters", // ... = observability.logRetentionDays
        "aws:ec2/route:Route.natGatewayId", // private AZ b: shared NAT -> its own
        "aws:iam/role:Role.assumeRolePolicy", // the deploy role trusts deployments of its own stack only
        "aws:iam/role:Role.description",
        "aws:iam/rolePolicy:RolePolicy.policy", // batch.emrServerless: the Spark job role's grants follow the engine
        "aws:iam/rolePolicy:RolePolicy.role",
        // the Spark job role LF grants name: EMR Serverless job role in dev, EMR instance role in prod
        "aws:lakeformation/permissions:Permissions.principal",
        "aws:redshift/cluster:Cluster.automatedSnapshotRetentionPeriod", // warehouse.snapshotRetentionDays
        "aws:redshift/cluster:Cluster.availabilityZoneRelocationEnabled", // warehouse.multiAz
        "aws:redshift/cluster:Cluster.multiAz",
        "aws:redshift/cluster:Cluster.clusterType", // warehouse.nodeCount 1 -> 2
        "aws:redshift/cluster:Cluster.numberOfNodes",
        // operations (config/observability.ts): backup.frequency/retentionDays, cost.monthlyBudgetUsd and
        // anomalyThresholdUsd, the Environment tag the budget and anomaly monitor filter on, cache.*
        "aws:backup/plan:Plan.rules",
        "aws:budgets/budget:Budget.costFilters",
        "aws:budgets/budget:Budget.limitAmount",
        "aws:costexplorer/anomalyMonitor:AnomalyMonitor.monitorSpecification",
        "aws:costexplorer/anomalySubscription:AnomalySubscription.thresholdExpression",
        "aws:elasticache/replicationGroup:ReplicationGroup.automaticFailoverEnabled",
        "aws:elasticache/replicationGroup:ReplicationGroup.multiAzEnabled",
        "aws:elasticache/replicationGroup:ReplicationGroup.nodeType",
        "aws:elasticache/replicationGroup:ReplicationGroup.numCacheClusters",
        "aws:elasticache/replicationGroup:ReplicationGroup.snapshotRetentionLimit",
        // the AUTH token is generated per stack
        "aws:elasticache/replicationGroup:ReplicationGroup.authToken",
        "aws:secretsmanager/secretVersion:SecretVersion.secretString",
        // names carry the stack; the platform composite covers the EMR cluster's alarms in prod
        "aws:cloudwatch/compositeAlarm:CompositeAlarm.alarmDescription",
        "aws:cloudwatch/compositeAlarm:CompositeAlarm.alarmName",
        "aws:cloudwatch/compositeAlarm:CompositeAlarm.alarmRule",
        "aws:cloudwatch/dashboard:Dashboard.dashboardName",
        // the dashboard shows the Spark engine's metrics (EMR Serverless in dev, EMR in prod)
        "aws:cloudwatch/dashboard:Dashboard.dashboardBody",
      ].sort(),
    );
  });
});

describe("managed Airflow", () => {
  it("is off by default and, when switched on, private in two private subnets with its own group", async () => {
    expect(resourcesOf(await platformPlan("dev"), "aws:mwaa/environment:Environment")).toEqual([]);
    const p = await platformPlan("dev", {
      configOverrides: { "data-platform": { "data-platform:batch": JSON.stringify({ mwaa: true }) } },
    });
    const [env] = resourcesOf(p, "aws:mwaa/environment:Environment");
    expect(env.inputs.webserverAccessMode).toBe("PRIVATE_ONLY");
    const net = env.inputs.networkConfiguration as { subnetIds: string[]; securityGroupIds: string[] };
    const outputs = PlatformOutputsSchema.parse(p.outputs);
    expect(net.subnetIds).toEqual(outputs.subnetIds.private.slice(0, 2));
    expect(net.securityGroupIds).toEqual([outputs.securityGroupIds.airflow]);
    expect(env.inputs.kmsKey).toBe(outputs.kmsKeyArns.lake);
  });
});
