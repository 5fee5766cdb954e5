import { OPERATIONS_DEFAULTS } from "./observability";
import type { Environment } from "./schema";

/**
 * Defaults per environment, before the stack's own configuration is merged over them. Production
 * needs more: NAT per AZ, interface endpoints, long retention, multi-region keys, replication,
 * multi-AZ warehouse. Subnet blocks are derived from `network.vpcCidr` and `network.azCount` when
 * a stack does not list them (see `resolvePlatformConfig`).
 */
export const DEFAULTS = {
  common: {
    region: "us-east-1",
    drRegion: "us-west-2",
    tags: {},
    singletons: {
      guardDutyDetector: "create",
      configRecorder: "create",
      pulumiOidcProvider: "create",
      githubOidcProvider: "create",
      lakeFormationSettings: "create",
      emrBlockPublicAccess: "create",
    },
    network: {
      vpcCidr: "10.0.0.0/16",
      azCount: 2,
      mapPublicIpOnLaunch: false,
    },
    security: {
      cloudTrail: true,
      awsConfig: true,
      guardDuty: true,
      lakeFormationAdmins: [],
      // Discovered domains (stacks/<name>/schema.ts) are appended: see `security.dataDomains`.
      dataDomains: ["shared"],
    },
    lake: {
      allowDestroyData: false,
      rawTransitionToIaDays: 30,
      rawTransitionToGlacierDays: 90,
    },
    streaming: {
      maxShardsPerStream: 64,
      maxTableCapacityUnits: 40_000,
    },
    batch: { mwaa: false },
    warehouse: { nodeCount: 2 },
    features: { batch: true, warehouse: true },
  },
  local: {
    network: { natGateways: "none", interfaceEndpoints: false, flowLogRetentionDays: 7 },
    security: {
      kmsDeletionWindowDays: 7,
      multiRegionKeys: false,
      securityHub: false,
      auditLogRetentionDays: 180,
    },
    lake: { replication: false, allowDestroyData: true },
    streaming: { retentionHours: 24, processorReservedConcurrency: 5, globalTables: false },
    batch: { emrMaxNodes: 3, glueMaxDpu: 2, emrServerless: true },
    warehouse: { serverless: false, nodeCount: 1, multiAz: false, snapshotRetentionDays: 1 },
    observability: { logRetentionDays: 7 },
    ...OPERATIONS_DEFAULTS.local,
  },
  dev: {
    network: { natGateways: "single", interfaceEndpoints: false, flowLogRetentionDays: 30 },
    security: {
      kmsDeletionWindowDays: 7,
      multiRegionKeys: false,
      securityHub: false,
      auditLogRetentionDays: 365,
    },
    lake: { replication: false },
    streaming: { retentionHours: 24, processorReservedConcurrency: 10, globalTables: false },
    batch: { emrMaxNodes: 10, glueMaxDpu: 2, emrServerless: true },
    warehouse: { serverless: false, nodeCount: 1, multiAz: false, snapshotRetentionDays: 1 },
    observability: { logRetentionDays: 14 },
    ...OPERATIONS_DEFAULTS.dev,
  },
  prod: {
    network: { natGateways: "perAz", interfaceEndpoints: true, flowLogRetentionDays: 365 },
    security: {
      kmsDeletionWindowDays: 30,
      multiRegionKeys: true,
      securityHub: true,
      auditLogRetentionDays: 2557,
    },
    lake: { replication: true },
    streaming: { retentionHours: 168, processorReservedConcurrency: 100, globalTables: true },
    batch: { emrMaxNodes: 50, glueMaxDpu: 10, emrServerless: false },
    warehouse: { serverless: false, multiAz: true, snapshotRetentionDays: 7 },
    observability: { logRetentionDays: 365 },
    ...OPERATIONS_DEFAULTS.prod,
  },
} satisfies Record<"common" | Environment, Record<string, unknown>>;

/** Third octet of the first /24 of each tier in a /16 VPC (reference architecture layout). */
export const SUBNET_OFFSETS = {
  publicSubnetCidrs: 1,
  privateSubnetCidrs: 10,
  databaseSubnetCidrs: 20,
} as const;
