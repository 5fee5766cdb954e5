import { resolvePlatformConfig } from ".";
import { BASE_CONFIG as base, configErrorFor as errorFor } from "./testing";

describe("platform configuration defaults", () => {
  it("uses the reference architecture's network layout", () => {
    const cfg = resolvePlatformConfig(base, "dev");
    expect(cfg.network.vpcCidr).toBe("10.0.0.0/16");
    expect(cfg.network.azCount).toBe(2);
    expect(cfg.network.publicSubnetCidrs).toEqual(["10.0.1.0/24", "10.0.2.0/24"]);
    expect(cfg.network.privateSubnetCidrs).toEqual(["10.0.10.0/24", "10.0.11.0/24"]);
    expect(cfg.network.databaseSubnetCidrs).toEqual(["10.0.20.0/24", "10.0.21.0/24"]);
    expect(cfg.network.mapPublicIpOnLaunch).toBe(false);
  });

  it("gives a third availability zone the next blocks of each tier", () => {
    const cfg = resolvePlatformConfig({ ...base, network: { azCount: 3 } }, "prod");
    expect(cfg.network.publicSubnetCidrs).toEqual(["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"]);
    expect(cfg.network.privateSubnetCidrs[2]).toBe("10.0.12.0/24");
    expect(cfg.network.databaseSubnetCidrs[2]).toBe("10.0.22.0/24");
  });

  it("follows a different /16 VPC range for derived subnets", () => {
    const cfg = resolvePlatformConfig({ ...base, network: { vpcCidr: "10.42.0.0/16" } }, "dev");
    expect(cfg.network.privateSubnetCidrs).toEqual(["10.42.10.0/24", "10.42.11.0/24"]);
  });

  it("asks more of prod than of dev where production needs it", () => {
    const dev = resolvePlatformConfig(base, "dev");
    const prod = resolvePlatformConfig(base, "prod");
    expect([dev.network.natGateways, prod.network.natGateways]).toEqual(["single", "perAz"]);
    expect([dev.network.interfaceEndpoints, prod.network.interfaceEndpoints]).toEqual([false, true]);
    expect(prod.network.flowLogRetentionDays).toBeGreaterThan(dev.network.flowLogRetentionDays);
    expect(prod.observability.logRetentionDays).toBeGreaterThan(dev.observability.logRetentionDays);
    expect([dev.security.kmsDeletionWindowDays, prod.security.kmsDeletionWindowDays]).toEqual([7, 30]);
    expect([dev.security.multiRegionKeys, prod.security.multiRegionKeys]).toEqual([false, true]);
    expect([dev.security.securityHub, prod.security.securityHub]).toEqual([false, true]);
    expect([dev.security.auditLogRetentionDays, prod.security.auditLogRetentionDays]).toEqual([365, 2557]);
    expect([dev.lake.replication, prod.lake.replication]).toEqual([false, true]);
    expect([dev.warehouse.multiAz, prod.warehouse.multiAz]).toEqual([false, true]);
    expect([dev.streaming.globalTables, prod.streaming.globalTables]).toEqual([false, true]);
    expect(prod.streaming.retentionHours).toBeGreaterThan(dev.streaming.retentionHours);
  });

  it("keeps data by default and lets a stack override any default", () => {
    expect(resolvePlatformConfig(base, "prod").lake.allowDestroyData).toBe(false);
    const cfg = resolvePlatformConfig({ ...base, network: { natGateways: "none" } }, "prod");
    expect(cfg.network.natGateways).toBe("none");
    expect(cfg.network.azCount).toBe(2);
  });

  it("takes the environment from the stack name unless set", () => {
    expect(resolvePlatformConfig(base, "prod").environment).toBe("prod");
    expect(resolvePlatformConfig({ ...base, environment: "dev" }, "team-a-sandbox").environment).toBe("dev");
  });
});

describe("bad platform configuration is refused with the key, the value and what is allowed", () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    [
      "a wrong type",
      { ...base, network: { azCount: "two" } },
      "dev",
      /data-platform:network\.azCount = "two": an integer from 1 to 6/,
    ],
    [
      "an out-of-range AZ count",
      { ...base, network: { azCount: 7 } },
      "dev",
      /data-platform:network\.azCount = 7: an integer from 1 to 6/,
    ],
    [
      "a subnet outside the VPC",
      { ...base, network: { privateSubnetCidrs: ["10.1.10.0/24", "10.0.11.0/24"] } },
      "dev",
      /data-platform:network\.privateSubnetCidrs\[0\] = "10\.1\.10\.0\/24": a block inside the VPC range 10\.0\.0\.0\/16/,
    ],
    [
      "overlapping subnets",
      { ...base, network: { databaseSubnetCidrs: ["10.0.20.0/24", "10.0.10.0/23"] } },
      "dev",
      /data-platform:network\.databaseSubnetCidrs\[1\] = "10\.0\.10\.0\/23": a block that does not overlap network\.privateSubnetCidrs\[0\]/,
    ],
    [
      "an unknown environment",
      { ...base, environment: "staging" },
      "dev",
      /data-platform:environment = "staging": one of local, dev, prod/,
    ],
    ["a missing owner", { costCenter: "cc-1" }, "dev", /data-platform:owner = \(not set\): required/],
    ["a missing cost center", { owner: "x" }, "dev", /data-platform:costCenter = \(not set\): required/],
    [
      "EMR beyond 500 nodes",
      { ...base, batch: { emrMaxNodes: 600 } },
      "dev",
      /data-platform:batch\.emrMaxNodes = 600: an integer from 1 to 500 \(nodes per EMR cluster\)/,
    ],
    [
      "Glue beyond 100 DPU",
      { ...base, batch: { glueMaxDpu: 120 } },
      "dev",
      /data-platform:batch\.glueMaxDpu = 120: an integer from 2 to 100/,
    ],
    [
      "Redshift beyond 128 nodes",
      { ...base, warehouse: { nodeCount: 129 } },
      "dev",
      /data-platform:warehouse\.nodeCount = 129: an integer from 1 to 128/,
    ],
    [
      "Lambda concurrency beyond the account limit",
      { ...base, streaming: { processorReservedConcurrency: 1001 } },
      "dev",
      /data-platform:streaming\.processorReservedConcurrency = 1001: an integer from 1 to 1000/,
    ],
    [
      "DynamoDB capacity beyond 40,000 units",
      { ...base, streaming: { maxTableCapacityUnits: 40001 } },
      "dev",
      /data-platform:streaming\.maxTableCapacityUnits = 40001: an integer from 1 to 40000/,
    ],
    [
      "a DR region equal to the primary",
      { ...base, drRegion: "us-east-1" },
      "dev",
      /data-platform:drRegion = "us-east-1": a region other than region/,
    ],
    [
      "a region that is not one",
      { ...base, region: "moon-1" },
      "dev",
      /data-platform:region = "moon-1": an AWS region name/,
    ],
    [
      "a misspelt key",
      { ...base, network: { azcount: 3 } },
      "dev",
      /data-platform:network\.azcount = 3: not a known key/,
    ],
    [
      "a single AZ in prod",
      { ...base, network: { azCount: 1 } },
      "prod",
      /data-platform:network\.azCount = 1: at least 2 in prod/,
    ],
    [
      "a short key deletion window in prod",
      { ...base, security: { kmsDeletionWindowDays: 7 } },
      "prod",
      /data-platform:security\.kmsDeletionWindowDays = 7: 30 in prod/,
    ],
    [
      "a short audit log retention in prod",
      { ...base, security: { auditLogRetentionDays: 180 } },
      "prod",
      /data-platform:security\.auditLogRetentionDays = 180: at least 365 in prod/,
    ],
    [
      "audit logs deleted before Glacier's minimum storage",
      { ...base, security: { auditLogRetentionDays: 100 } },
      "dev",
      /data-platform:security\.auditLogRetentionDays = 100: an integer from 180 to 3653 \(days audit logs are kept/,
    ],
    [
      "a data domain name Lake Formation and project names cannot share",
      { ...base, security: { dataDomains: ["shared", "Click Stream"] } },
      "dev",
      /data-platform:security\.dataDomains\[1\] = "Click Stream": a domain name: lowercase letters/,
    ],
    [
      "a data domain listed twice",
      { ...base, security: { dataDomains: ["orders", "orders"] } },
      "dev",
      /data-platform:security\.dataDomains = \["orders","orders"\]: domain names without duplicates/,
    ],
    [
      "no data domain at all",
      { ...base, security: { dataDomains: [] } },
      "dev",
      /data-platform:security\.dataDomains = \[\]: at least one domain name/,
    ],
    [
      "a retention CloudWatch does not offer",
      { ...base, observability: { logRetentionDays: 10 } },
      "dev",
      /data-platform:observability\.logRetentionDays = 10: one of the CloudWatch Logs retention values/,
    ],
    [
      "a host address instead of a network",
      { ...base, network: { vpcCidr: "10.0.0.5/16" } },
      "dev",
      /data-platform:network\.vpcCidr = "10\.0\.0\.5\/16": an IPv4 CIDR block/,
    ],
    [
      "subnets that do not match the AZ count",
      { ...base, network: { azCount: 2, publicSubnetCidrs: ["10.0.1.0/24"] } },
      "dev",
      /data-platform:network\.publicSubnetCidrs = \["10\.0\.1\.0\/24"\]: exactly one CIDR block per availability zone \(network\.azCount = 2\)/,
    ],
    [
      "a non-/16 VPC without explicit subnets",
      { ...base, network: { vpcCidr: "10.0.0.0/20" } },
      "dev",
      /data-platform:network\.publicSubnetCidrs = \(not set\): required: default subnets need a \/16 VPC/,
    ],
  ];

  it.each(cases)("refuses %s", (_what, raw, stack, expected) => {
    expect(errorFor(raw, stack)).toMatch(expected);
  });

  it("requires the EMR certificate bundle only where Spark runs on a cluster", () => {
    expect(errorFor({ owner: "o", costCenter: "c" }, "prod")).toMatch(
      /data-platform:batch\.emrTlsCertificatesS3Uri = \(not set\): required: an EMR cluster encrypts in transit/,
    );
    expect(() =>
      resolvePlatformConfig({ owner: "o", costCenter: "c", accountId: "210987654321" }, "dev"),
    ).not.toThrow();
  });

  it("refuses Redshift Serverless on fewer than three availability zones", () => {
    expect(errorFor({ ...base, warehouse: { serverless: true } }, "dev")).toMatch(
      /data-platform:warehouse\.serverless = true: false while network\.azCount = 2: Redshift Serverless needs subnets in at least three AZs/,
    );
    expect(() =>
      resolvePlatformConfig({ ...base, warehouse: { serverless: true }, network: { azCount: 3 } }, "dev"),
    ).not.toThrow();
  });

  it("lists every problem at once, naming the stack", () => {
    const message = errorFor({ network: { azCount: 0 } }, "dev");
    expect(message).toMatch(/^Invalid configuration for stack "dev":/);
    expect(message).toContain("data-platform:owner");
    expect(message).toContain("data-platform:costCenter");
    expect(message).toContain("data-platform:network.azCount = 0");
  });
});

describe("Lake Formation domain tag values", () => {
  it("are `shared` plus every domain folder under stacks/, with no list to keep", () => {
    expect(resolvePlatformConfig(base, "dev").security.dataDomains).toEqual([
      "shared",
      "clickstream",
      "orders",
    ]);
  });

  it("keep a stack's own list (older configs that name the domains) and add the discovered ones", () => {
    const legacy = { ...base, security: { dataDomains: ["shared", "orders", "marketing"] } };
    expect(resolvePlatformConfig(legacy, "dev").security.dataDomains).toEqual([
      "shared",
      "orders",
      "marketing",
      "clickstream",
    ]);
  });
});
