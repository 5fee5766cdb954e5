/**
 * The platform project (`data-platform`): what every domain shares. It reads the typed platform
 * configuration, creates the tagged AWS providers, composes the network and the security baseline
 * through them, and exports the platform contract that domain stacks read through a StackReference.
 */
import * as pulumi from "@pulumi/pulumi";
import { readPlatformConfig } from "./config";
import { DATA_CLASSIFICATIONS } from "./config/domain";
import { DeployRole } from "./components/delivery";
import { createProviders } from "./components/core/providers";
import { platformTags } from "./components/core/tags";
import { Network } from "./components/network";
import { LF_TAG_KEYS, SecurityBaseline } from "./components/security";
import { PLATFORM_CONTRACT_VERSION, PLATFORM_PROJECT, type PlatformOutputs } from "./contracts/platform";

const cfg = readPlatformConfig();
const tags = platformTags(cfg, PLATFORM_PROJECT);
const providers = createProviders("platform", { region: cfg.region, drRegion: cfg.drRegion, tags });

// The role Pulumi Deployments assumes by OIDC to deploy this environment (no long-lived keys).
const deployRole =
  cfg.environment === "local"
    ? undefined
    : new DeployRole(
        "deploy",
        { organization: pulumi.getOrganization(), stack: pulumi.getStack() },
        { provider: providers.primary },
      );

const security = new SecurityBaseline(
  "platform",
  {
    keyAliasPrefix: `dataplatform-${cfg.environment}`,
    kmsDeletionWindowDays: cfg.security.kmsDeletionWindowDays,
    multiRegionKeys: cfg.security.multiRegionKeys,
    drProvider: providers.dr,
    cloudTrail: cfg.security.cloudTrail,
    awsConfig: cfg.security.awsConfig,
    guardDuty: cfg.security.guardDuty,
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

/** The contract's fields, each either a value or an output that resolves to it. */
type Exported<T> = { [K in keyof T]: pulumi.Input<T[K]> };
const outputs: Exported<PlatformOutputs> = {
  contractVersion: PLATFORM_CONTRACT_VERSION,
  environment: cfg.environment,
  region: cfg.region,
  drRegion: cfg.drRegion,
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
};

export = outputs;
