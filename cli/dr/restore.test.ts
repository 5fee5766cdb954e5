import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as yaml from "js-yaml";
import { decodeRawConfig, resolvePlatformConfig } from "../../config/load";
import { REPO_ROOT } from "../../harness/projects";
import { latestRestorePoint, type SnapshotListing } from "./restore";

const run = promisify(execFile);
const PROD_WAREHOUSE = "data-platform-prod-warehouse-a39438";

/** A DR region listing as `aws redshift describe-cluster-snapshots --output json` prints it. */
const listing: SnapshotListing = {
  Snapshots: [
    {
      SnapshotIdentifier: "rs:data-platform-prod-warehouse-a39438-2026-11-27-00-05-11",
      ClusterIdentifier: PROD_WAREHOUSE,
      SnapshotCreateTime: "2026-11-27T00:05:11.000Z",
      Status: "available",
      SnapshotType: "automated",
    },
    {
      SnapshotIdentifier: "rs:data-platform-prod-warehouse-a39438-2026-11-27-08-04-57",
      ClusterIdentifier: PROD_WAREHOUSE,
      SnapshotCreateTime: "2026-11-27T08:04:57.000Z",
      Status: "available",
      SnapshotType: "automated",
    },
    {
      // Still being copied: not restorable yet.
      SnapshotIdentifier: "rs:data-platform-prod-warehouse-a39438-2026-11-27-09-01-02",
      ClusterIdentifier: PROD_WAREHOUSE,
      SnapshotCreateTime: "2026-11-27T09:01:02.000Z",
      Status: "creating",
      SnapshotType: "automated",
    },
    {
      SnapshotIdentifier: "rs:other-cluster-2026-11-27-09-30-00",
      ClusterIdentifier: "other-cluster",
      SnapshotCreateTime: "2026-11-27T09:30:00.000Z",
      Status: "available",
    },
  ],
};
const now = new Date("2026-11-27T10:00:00Z");

describe("picking the warehouse's restore point in the DR region", () => {
  it("takes the newest available copy of prod's cluster, not one still copying or of another cluster", () => {
    const point = latestRestorePoint(listing, PROD_WAREHOUSE, { now, maxAgeHours: 24 });
    expect(point).toMatchObject({
      snapshotIdentifier: "rs:data-platform-prod-warehouse-a39438-2026-11-27-08-04-57",
      sourceClusterIdentifier: PROD_WAREHOUSE,
    });
    expect(point.ageHours).toBeCloseTo(1.92, 1);
  });

  it("refuses a restore point older than the allowed age, and a listing without the cluster", () => {
    expect(() => latestRestorePoint(listing, PROD_WAREHOUSE, { now, maxAgeHours: 1 })).toThrow(
      /rs:data-platform-prod-warehouse-a39438-2026-11-27-08-04-57, is 1\.9 h old \(more than --max-age-hours 1\)/,
    );
    expect(() =>
      latestRestorePoint(listing, "data-platform-prod-warehouse-000000", { now, maxAgeHours: 24 }),
    ).toThrow(
      /no available snapshot of cluster data-platform-prod-warehouse-000000 .* of data-platform-prod-warehouse-a39438, other-cluster/,
    );
  });

  it("prints config commands whose values the DR stack's configuration accepts", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dr-restore-"));
    const file = path.join(dir, "snapshots.json");
    fs.writeFileSync(file, JSON.stringify(listing));
    const { stdout } = await run(
      process.execPath,
      [
        "--import",
        "tsx",
        "cli/dr/restore.ts",
        "--snapshots",
        file,
        "--cluster",
        PROD_WAREHOUSE,
        "--stack",
        "acme/data-platform/dr",
        "--now",
        now.toISOString(),
      ],
      { cwd: REPO_ROOT },
    );
    const lines = stdout.trim().split("\n");
    expect(lines).toEqual([
      "pulumi config set --path data-platform:warehouse.restoreFromSnapshot.snapshotIdentifier 'rs:data-platform-prod-warehouse-a39438-2026-11-27-08-04-57' --stack 'acme/data-platform/dr'",
      `pulumi config set --path data-platform:warehouse.restoreFromSnapshot.sourceClusterIdentifier '${PROD_WAREHOUSE}' --stack 'acme/data-platform/dr'`,
    ]);
    // Applied to the committed Pulumi.dr.yaml (what `config set --path` does), the DR config resolves.
    const doc = yaml.load(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dr.yaml"), "utf8")) as {
      config: Record<string, unknown>;
    };
    const warehouse = {
      ...(doc.config["data-platform:warehouse"] as object),
      restoreFromSnapshot: Object.fromEntries(
        lines.map((l) => {
          const [, key, value] = /restoreFromSnapshot\.(\w+) '([^']+)'/.exec(l)!;
          return [key, value];
        }),
      ),
    };
    const raw = Object.fromEntries(
      Object.entries({ ...doc.config, "data-platform:warehouse": warehouse }).map(([k, v]) => [
        k,
        typeof v === "string" ? v : JSON.stringify(v),
      ]),
    );
    const cfg = resolvePlatformConfig(decodeRawConfig(raw), "dr");
    expect(cfg.warehouse.restoreFromSnapshot).toEqual({
      snapshotIdentifier: "rs:data-platform-prod-warehouse-a39438-2026-11-27-08-04-57",
      sourceClusterIdentifier: PROD_WAREHOUSE,
    });
  });

  it("exits 1 naming the problem when the newest copy is too old", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dr-restore-"));
    const file = path.join(dir, "snapshots.json");
    fs.writeFileSync(file, JSON.stringify(listing));
    const args = ["--import", "tsx", "cli/dr/restore.ts", "--snapshots", file, "--cluster", PROD_WAREHOUSE];
    await expect(
      run(process.execPath, [...args, "--stack", "s", "--now", now.toISOString(), "--max-age-hours", "1"], {
        cwd: REPO_ROOT,
      }),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("is 1.9 h old") });
  });
});
