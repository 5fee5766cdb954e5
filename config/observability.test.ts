import { resolvePlatformConfig } from ".";
import { BASE_CONFIG as base, configErrorFor as errorFor } from "./testing";

describe("operations configuration", () => {
  it("backs up hourly with DR copies and a Multi-AZ cache in prod, daily and single-node in dev", () => {
    const dev = resolvePlatformConfig(base, "dev");
    const prod = resolvePlatformConfig(base, "prod");
    expect([dev.backup.frequency, prod.backup.frequency]).toEqual(["daily", "hourly"]);
    expect([dev.backup.copyToDrRegion, prod.backup.copyToDrRegion]).toEqual([false, true]);
    expect([dev.cache.multiAz, prod.cache.multiAz]).toEqual([false, true]);
    expect(prod.cache.nodes).toBeGreaterThanOrEqual(2);
    expect(prod.cost.monthlyBudgetUsd).toBeGreaterThan(dev.cost.monthlyBudgetUsd);
    expect(dev.alarms.iteratorAgeMs).toBe(60_000);
  });

  it("refuses prod settings that break the RPO or the failover", () => {
    expect(errorFor({ ...base, backup: { frequency: "daily" } }, "prod")).toContain(
      'data-platform:backup.frequency = "daily": "hourly" in prod (RPO 1 hour)',
    );
    expect(errorFor({ ...base, backup: { copyToDrRegion: false } }, "prod")).toContain(
      "data-platform:backup.copyToDrRegion = false: true in prod",
    );
    expect(errorFor({ ...base, cache: { multiAz: false } }, "prod")).toContain(
      "data-platform:cache.multiAz = false: true in prod (automatic failover)",
    );
  });

  it("names the key of an inconsistent cache, backup or Slack setting", () => {
    expect(errorFor({ ...base, cache: { multiAz: true, nodes: 1 } })).toContain(
      "data-platform:cache.nodes = 1: at least 2 with cache.multiAz",
    );
    expect(errorFor({ ...base, backup: { copyToDrRegion: true } })).toContain(
      "data-platform:backup.copyToDrRegion = true: false while security.multiRegionKeys = false",
    );
    expect(errorFor({ ...base, notifications: { slackWorkspaceId: "T0123ABCD" } })).toContain(
      "data-platform:notifications.slackChannelId",
    );
    expect(errorFor({ ...base, notifications: { slackChannelId: "#alerts" } })).toContain(
      "a Slack channel id such as C0123ABCD",
    );
  });

  it("keeps thresholds and budgets in range", () => {
    expect(errorFor({ ...base, alarms: { warehouseCpuPercent: 120 } })).toContain(
      "data-platform:alarms.warehouseCpuPercent = 120: an integer from 1 to 100 (percent)",
    );
    expect(errorFor({ ...base, cost: { monthlyBudgetUsd: -5 } })).toContain(
      "data-platform:cost.monthlyBudgetUsd = -5: a positive amount in USD",
    );
    expect(errorFor({ ...base, cost: { actualAlertPercents: [] } })).toContain(
      "data-platform:cost.actualAlertPercents",
    );
  });
});
