/**
 * The platform project (`data-platform`): what every domain shares. It reads the typed platform
 * configuration, creates the tagged AWS providers, composes the network and the security baseline
 * through them, and exports the platform contract that domain stacks read through a StackReference.
 */
import * as pulumi from "@pulumi/pulumi";
import { readPlatformConfig } from "./config";
import { DATA_CLASSIFICATIONS } from "./config/domain";
import { DeployRole, GITHUB_OIDC_ISSUER, GitHubRoles, PULUMI_OIDC_ISSUER } from "./components/delivery";
import { createProviders } from "./components/core/providers";
import { platformTags } from "./components/core/tags";
import { SparkCluster, SPARK_SCRIPTS_PREFIX } from "./components/batch";
import { AirflowEnvironment } from "./components/orchestration";
import {
  DataLake,
  LAKE_ZONES,
  LakeAccess,
  LakeCatalog,
  lakeOutputs,
  QueryWorkgroup,
} from "./components/lake";
import { Network } from "./components/network";
import { BackupPlan } from "./components/backup";
import { RedisCache } from "./components/cache";
import {
  AlarmSet,
  AlarmTopic,
  cacheAlarmRules,
  CostControls,
  replicationAlarmRules,
  Dashboard,
  sparkAlarmRules,
  warehouseAlarmRules,
} from "./components/observability";
import { Warehouse } from "./components/warehouse";
import { LF_TAG_KEYS, SecurityBaseline } from "./components/security";
import { PLATFORM_CONTRACT_VERSION, PLATFORM_PROJECT, type PlatformOutputs } from "./contracts/platform";

const cfg = readPlatformConfig();
const tags = platformTags(cfg, PLATFORM_PROJECT);
const providers = createProviders("platform", {
  region: cfg.region,
  drRegion: cfg.drRegion,
  tags,
  ...(cfg.accountId ? { accountId: cfg.accountId } : {}),
});
// Account-wide singletons: this stack creates only those `data-platform:singletons` gives it.
const owns = (s: keyof typeof cfg.singletons) => cfg.singletons[s] === "create";

// The role Pulumi Deployments assumes by OIDC to deploy this environment (no long-lived keys).
const deployRole =
  cfg.environment === "local"
    ? undefined
    : new DeployRole(
        "deploy",
        {
          organization: pulumi.getOrganization(),
          stack: pulumi.getStack(),
          // One OIDC provider per account and issuer: adopt the one another stack created.
          ...(owns("pulumiOidcProvider")
            ? {}
            : { existingProviderArn: `arn:aws:iam::${cfg.accountId}:oidc-provider/${PULUMI_OIDC_ISSUER}` }),
        },
        { provider: providers.primary },
      );

// The roles the GitHub workflows assume by OIDC (preview on pull requests, deploy from the `dev` /
// `production` GitHub environments), when `delivery:githubRepository` is set.
// The GitHub OIDC provider is an account-wide singleton: with
// `data-platform:singletons.githubOidcProvider: existing` the roles trust the one another stack of
// the account created.
const delivery = new pulumi.Config("delivery");
const githubRoles =
  cfg.environment === "local" || !delivery.get("githubRepository")
    ? undefined
    : new GitHubRoles(
        "github",
        {
          repository: delivery.require("githubRepository"),
          deployEnvironment: cfg.environment === "prod" ? "production" : cfg.environment,
          ...(owns("githubOidcProvider")
            ? {}
            : {
                existingProviderArn: `arn:aws:iam::${cfg.accountId}:oidc-provider/${GITHUB_OIDC_ISSUER}`,
              }),
        },
        { provider: providers.primary },
      );

// The trail records S3 data events of the lake's zones; the zone buckets are created below (they use
// the keys the baseline creates), so their ARNs reach the trail through a promise resolved then.
let lakeZoneArnsFor: (arns: pulumi.Output<string[]>) => void = () => undefined;
const lakeZoneArns = pulumi.output(
  new Promise<pulumi.Output<string[]>>((resolve) => (lakeZoneArnsFor = resolve)),
) as pulumi.Output<string[]>;

const security = new SecurityBaseline(
  "platform",
  {
    keyAliasPrefix: `dataplatform-${cfg.environment}`,
    kmsDeletionWindowDays: cfg.security.kmsDeletionWindowDays,
    multiRegionKeys: cfg.security.multiRegionKeys,
    drProvider: providers.dr,
    cloudTrail: cfg.security.cloudTrail,
    trailDataEventBucketArns: lakeZoneArns,
    awsConfig: cfg.security.awsConfig && owns("configRecorder"),
    guardDuty: cfg.security.guardDuty && owns("guardDutyDetector"),
    lakeFormationSettings: owns("lakeFormationSettings"),
    securityHub: cfg.security.securityHub,
    logRetentionDays: cfg.observability.logRetentionDays,
    auditLogRetentionDays: cfg.security.auditLogRetentionDays,
    lakeFormationAdmins: cfg.security.lakeFormationAdmins,
    dataDomains: cfg.security.dataDomains,
  },
  { provider: providers.primary },
);

const network = new Network(
  "platform",
  {
    cidrBlock: cfg.network.vpcCidr,
    azCount: cfg.network.azCount,
    publicSubnetCidrs: cfg.network.publicSubnetCidrs,
    privateSubnetCidrs: cfg.network.privateSubnetCidrs,
    databaseSubnetCidrs: cfg.network.databaseSubnetCidrs,
    natGateways: cfg.network.natGateways,
    interfaceEndpoints: cfg.network.interfaceEndpoints,
    mapPublicIpOnLaunch: cfg.network.mapPublicIpOnLaunch,
    flowLogRetentionDays: cfg.network.flowLogRetentionDays,
    logsKmsKeyArn: security.keys.arns.logs,
  },
  { provider: providers.primary },
);

// Lake: zones, catalog and the shared Athena workgroup (components/lake).
const keys = security.keys.arns;
const lake = new DataLake(
  "lake",
  {
    kmsKeyArn: keys.lake,
    allowDestroyData: cfg.lake.allowDestroyData,
    lifecycle: {
      raw: {
        transitionToIaDays: cfg.lake.rawTransitionToIaDays,
        transitionToGlacierDays: cfg.lake.rawTransitionToGlacierDays,
      },
    },
    ...(cfg.lake.replication && security.keys.replicaArns
      ? { replication: { provider: providers.dr, replicaKmsKeyArn: security.keys.replicaArns.lake } }
      : {}),
  },
  { provider: providers.primary },
);
lakeZoneArnsFor(pulumi.all(LAKE_ZONES.map((zone) => lake.zones[zone].bucketArn)));
const catalog = new LakeCatalog(
  "catalog",
  {
    kmsKeyArn: keys.lake,
    zones: lake.zones,
    databasePrefix: `lake_${cfg.environment}`,
    // `domain` and `classification` LF-tags belong to the security baseline; the catalog adds `zone`
    // (account-wide too: the stack that owns the Lake Formation settings creates it).
    lfTags: owns("lakeFormationSettings") ? { zone: ["raw", "processed", "curated"] } : {},
  },
  { provider: providers.primary, dependsOn: [security.lakeFormation] },
);
const workgroup = new QueryWorkgroup(
  "analytics",
  { resultBucket: lake.queryResults },
  { provider: providers.primary },
);

// Alarm notifications for every layer (KMS-encrypted topic; optional email and Slack subscriptions).
const slack = cfg.notifications;
const alarms = new AlarmTopic(
  "alarms",
  {
    kmsKeyArn: keys.logs,
    ...(cfg.observability.alarmEmail ? { email: cfg.observability.alarmEmail } : {}),
    ...(slack.slackWorkspaceId && slack.slackChannelId
      ? { slack: { workspaceId: slack.slackWorkspaceId, channelId: slack.slackChannelId } }
      : {}),
  },
  { provider: providers.primary },
);

// Batch: Spark on EMR (prod) or EMR Serverless (dev), in the private tier.
const spark = cfg.features.batch
  ? new SparkCluster(
      "spark",
      {
        serverless: cfg.batch.emrServerless,
        subnetIds: network.subnetIds.private,
        masterSecurityGroupId: network.securityGroupIds.emrMaster,
        workerSecurityGroupId: network.securityGroupIds.emrWorker,
        serviceAccessSecurityGroupId: network.securityGroupIds.emrServiceAccess,
        logUri: pulumi.interpolate`s3://${lake.artifacts.bucketName}/emr/logs/`,
        dataKmsKeyArn: keys.lake,
        localDiskKmsKeyArn: keys.lake,
        logKmsKeyArn: keys.logs,
        scaling: { maxNodes: cfg.batch.emrMaxNodes },
        manageBlockPublicAccess: owns("emrBlockPublicAccess"),
        scriptsS3Uri: pulumi.interpolate`s3://${lake.artifacts.bucketName}/${SPARK_SCRIPTS_PREFIX}`,
        ...(cfg.batch.emrTlsCertificatesS3Uri
          ? { tlsCertificatesS3Uri: cfg.batch.emrTlsCertificatesS3Uri }
          : {}),
      },
      { provider: providers.primary },
    )
  : undefined;

// The Spark job role reads the processed zone and writes the curated zone (domains' nightly roll-ups).
if (spark) {
  lake.zones.processed.grantRead(spark.jobRole);
  lake.zones.curated.grantWrite(spark.jobRole, { allowDelete: true });
}

// Managed Airflow (batch.mwaa, off by default): private web server, two private subnets.
if (cfg.batch.mwaa) {
  new AirflowEnvironment(
    "airflow",
    {
      subnetIds: network.subnetIds.private.slice(0, 2),
      securityGroupIds: [network.securityGroupIds.airflow],
      kmsKeyArn: keys.lake,
      accessLogBucket: lake.accessLogs.bucketName,
      allowDestroyData: cfg.lake.allowDestroyData,
    },
    { provider: providers.primary },
  );
}

// Warehouse: Redshift in the database tier, loading from the processed zone.
const warehouse = cfg.features.warehouse
  ? new Warehouse(
      "warehouse",
      {
        serverless: cfg.warehouse.serverless,
        subnetGroupName: network.subnetGroupNames.redshift,
        subnetIds: network.subnetIds.database,
        securityGroupIds: [network.securityGroupIds.redshift],
        kmsKeyArn: keys.warehouse,
        secretsKmsKeyArn: keys.secrets,
        logKmsKeyArn: keys.logs,
        logRetentionDays: cfg.observability.logRetentionDays,
        nodeCount: cfg.warehouse.nodeCount,
        multiAz: cfg.warehouse.multiAz,
        snapshotRetentionDays: cfg.warehouse.snapshotRetentionDays,
        // DR: the cluster is created from prod's copied snapshot (docs/runbook-dr.md).
        ...(cfg.warehouse.restoreFromSnapshot
          ? { restoreFromSnapshot: cfg.warehouse.restoreFromSnapshot }
          : {}),
        lake: {
          bucketArn: lake.zones.processed.bucketArn,
          curatedBucketArn: lake.zones.curated.bucketArn,
          kmsKeyArn: keys.lake,
          glueDatabaseNames: [catalog.databases.processed.databaseName],
        },
        allowDestroyData: cfg.lake.allowDestroyData,
        // RTO: the cluster restores in the DR region from copied snapshots (docs/runbook-dr.md).
        ...(cfg.backup.copyToDrRegion && security.keys.replicaArns
          ? {
              drSnapshotCopy: {
                provider: providers.dr,
                kmsKeyArn: security.keys.replicaArns.warehouse,
                retentionDays: cfg.backup.warehouseSnapshotCopyDays,
              },
            }
          : {}),
      },
      { provider: providers.primary },
    )
  : undefined;

// Lake Formation grants by LF-tag (domain, classification, zone): analysts in the workgroup, the
// Redshift Spectrum role and the Spark job role read and write every domain's tables as they appear.
new LakeAccess(
  "lake-access",
  {
    knownTags: {
      [LF_TAG_KEYS.domain]: [...cfg.security.dataDomains],
      [LF_TAG_KEYS.classification]: [...DATA_CLASSIFICATIONS],
      zone: [...LAKE_ZONES],
    },
    tagResources: [security.lakeFormation, catalog],
    workgroup,
    analystDatabaseNames: [catalog.databases.processed.databaseName, catalog.databases.curated.databaseName],
    ...(warehouse?.lakeRole ? { spectrumRole: warehouse.lakeRole } : {}),
    ...(spark ? { sparkJobRole: spark.jobRole } : {}),
  },
  { provider: providers.primary },
);

// Serving cache: Redis in the database tier for the API's read-through cache (TLS, AUTH, KMS).
const cache = cfg.cache.enabled
  ? new RedisCache(
      "serving",
      {
        vpcId: network.vpcId,
        subnetGroupName: network.subnetGroupNames.elasticache,
        clientSecurityGroupIds: [network.securityGroupIds.lambda],
        kmsKeyArn: keys.warehouse,
        secretsKmsKeyArn: keys.secrets,
        logKmsKeyArn: keys.logs,
        logRetentionDays: cfg.observability.logRetentionDays,
        nodeType: cfg.cache.nodeType,
        nodes: cfg.cache.nodes,
        multiAz: cfg.cache.multiAz,
        snapshotRetentionDays: cfg.cache.snapshotRetentionDays,
        notificationTopicArn: alarms.topicArn,
      },
      { provider: providers.primary },
    )
  : undefined;

// Backups (RPO): AWS Backup of the warehouse here and of the domains' serving tables (their
// selections), copied to the DR region in prod.
const warehouseCluster = warehouse?.loadTarget.kind === "cluster" ? warehouse.loadTarget.arn : undefined;
const backup = cfg.backup.enabled
  ? new BackupPlan(
      "backup",
      {
        kmsKeyArn: keys.warehouse,
        frequency: cfg.backup.frequency,
        retentionDays: cfg.backup.retentionDays,
        ...(cfg.backup.copyToDrRegion && security.keys.replicaArns
          ? {
              drCopy: {
                provider: providers.dr,
                kmsKeyArn: security.keys.replicaArns.warehouse,
                retentionDays: cfg.backup.drRetentionDays,
              },
            }
          : {}),
        ...(warehouseCluster ? { resources: [warehouseCluster] } : {}),
      },
      { provider: providers.primary },
    )
  : undefined;

// Alarms on the shared compute and stores, one composite "platform unhealthy", and the dashboard.
const keyMetrics = {
  ...(Object.keys(lake.keyMetrics).length ? { "lake replication": lake.keyMetrics } : {}),
  ...(spark ? { spark: spark.keyMetrics } : {}),
  ...(warehouse ? { warehouse: warehouse.keyMetrics } : {}),
  ...(cache ? { cache: cache.keyMetrics } : {}),
};
const platformRules = {
  ...(spark ? sparkAlarmRules(spark.keyMetrics, cfg.alarms) : {}),
  ...(warehouse && !cfg.warehouse.serverless ? warehouseAlarmRules(warehouse.keyMetrics, cfg.alarms) : {}),
  ...(cache ? cacheAlarmRules(cache.keyMetrics, cfg.alarms) : {}),
  ...replicationAlarmRules(lake.keyMetrics),
};
if (Object.keys(platformRules).length) {
  new AlarmSet(
    "platform",
    {
      topicArn: alarms.topicArn,
      rules: platformRules,
      composite: { description: `data-platform ${cfg.environment}: shared compute or stores unhealthy` },
    },
    { provider: providers.primary },
  );
  new Dashboard("platform", { sections: keyMetrics }, { provider: providers.primary });
}

// Cost governance (not on the emulators): budget with actual/forecast alerts, anomaly monitor, cost tags.
if (cfg.environment !== "local") {
  new CostControls(
    "cost",
    {
      environment: cfg.environment,
      monthlyBudgetUsd: cfg.observability.monthlyBudgetUsd ?? cfg.cost.monthlyBudgetUsd,
      actualAlertPercents: cfg.cost.actualAlertPercents,
      forecastAlertPercents: cfg.cost.forecastAlertPercents,
      anomalyThresholdUsd: cfg.cost.anomalyThresholdUsd,
      topicArn: alarms.topicArn,
      ...(cfg.observability.alarmEmail ? { emails: [cfg.observability.alarmEmail] } : {}),
      ...(cfg.cost.activateTags ? { costAllocationTagKeys: Object.keys(tags) } : {}),
    },
    { provider: providers.primary },
  );
}

/** The contract's fields, each either a value or an output that resolves to it. */
type Exported<T> = { [K in keyof T]: pulumi.Input<T[K]> };
const outputs: Exported<PlatformOutputs> = {
  contractVersion: PLATFORM_CONTRACT_VERSION,
  environment: cfg.environment,
  region: cfg.region,
  drRegion: cfg.drRegion,
  ...(cfg.accountId ? { accountId: cfg.accountId } : {}),
  settings: {
    streaming: cfg.streaming,
    batch: { glueMaxDpu: cfg.batch.glueMaxDpu, emrMaxNodes: cfg.batch.emrMaxNodes },
    alarms: cfg.alarms,
    lake: { allowDestroyData: cfg.lake.allowDestroyData },
  },
  tags,
  logRetentionDays: cfg.observability.logRetentionDays,

  vpcId: network.vpcId,
  vpcCidr: cfg.network.vpcCidr,
  availabilityZones: pulumi.all(network.vpc.availabilityZones),
  subnetIds: pulumi.output(network.subnetIds),
  securityGroupIds: pulumi.output(network.securityGroupIds),
  subnetGroupNames: pulumi.output(network.subnetGroupNames),
  kmsKeyArns: pulumi.output(security.keys.arns),
  kmsReplicaKeyArns: security.keys.replicaArns && pulumi.output(security.keys.replicaArns),
  logGroupNames: pulumi.output({
    vpcFlowLogs: network.flowLogGroupName,
    cloudTrail: security.trail?.logGroup.name,
  }),
  bucketNames: pulumi.output({
    cloudTrail: security.trail?.bucket.bucketName,
    awsConfig: security.config?.bucket.bucketName,
  }),
  lakeFormationTags: {
    domain: { key: LF_TAG_KEYS.domain, values: [...cfg.security.dataDomains] },
    classification: { key: LF_TAG_KEYS.classification, values: [...DATA_CLASSIFICATIONS] },
  },
  deployRoleArn: deployRole?.roleArn,
  githubPreviewRoleArn: githubRoles?.previewRoleArn,
  githubDeployRoleArn: githubRoles?.deployRoleArn,
  lake: lakeOutputs(lake, catalog, workgroup),
  alarmTopicArn: alarms.topicArn,
  batch: spark
    ? pulumi.output({
        kind: cfg.batch.emrServerless ? ("emr-serverless" as const) : ("emr" as const),
        id: (spark.applicationId ?? spark.clusterId)!,
        arn: (spark.applicationArn ?? spark.clusterArn)!,
        jobRoleArn: spark.jobRole.arn,
        scriptsUri: pulumi.interpolate`s3://${lake.artifacts.bucketName}/${SPARK_SCRIPTS_PREFIX}`,
      })
    : undefined,
  warehouse: warehouse
    ? pulumi.output({
        kind: warehouse.loadTarget.kind,
        name: warehouse.loadTarget.name,
        arn: warehouse.loadTarget.arn,
        database: warehouse.databaseName,
        ...(warehouse.loadTarget.dbUser ? { dbUser: warehouse.loadTarget.dbUser } : {}),
        endpoint: warehouse.endpoint,
        adminSecretArn: warehouse.adminSecretArn,
      })
    : undefined,
  cache: cache
    ? pulumi.output({
        endpoint: cache.endpoint,
        port: cache.port,
        authTokenSecretArn: cache.authTokenSecretArn,
        securityGroupId: cache.securityGroupId,
      })
    : undefined,
  backup: backup ? pulumi.output({ planId: backup.planId, roleArn: backup.roleArn }) : undefined,
};

export = outputs;
