/**
 * Regional failover, step 4 of docs/runbook-dr.md: the DR platform's warehouse is created from the
 * latest copy of prod's automated snapshots in the DR region (`data-platform:warehouse.restoreFromSnapshot`
 * of the `dr` stack). This picks that snapshot, offline, from the DR region's snapshot listing and
 * prints the `pulumi config set` commands that put it into the DR stack's configuration.
 *
 * Usage:
 *   aws redshift describe-cluster-snapshots --region us-west-2 \
 *     --cluster-identifier <prod warehouse.name> --output json > snapshots.json
 *   npx tsx cli/dr/restore.ts --snapshots snapshots.json --cluster <prod warehouse.name> \
 *     --stack <org>/data-platform/dr [--max-age-hours 24] [--now 2026-11-27T10:00:00Z]
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";

/** The part of `aws redshift describe-cluster-snapshots --output json` this reads. */
export const SnapshotListingSchema = z.object({
  Snapshots: z.array(
    z.object({
      SnapshotIdentifier: z.string().min(1),
      ClusterIdentifier: z.string().min(1),
      SnapshotCreateTime: z.string().min(1),
      Status: z.string(),
      SnapshotType: z.string().optional(),
    }),
  ),
});
export type SnapshotListing = z.infer<typeof SnapshotListingSchema>;

/** The snapshot to restore and how old it is. */
export interface RestorePoint {
  readonly snapshotIdentifier: string;
  readonly sourceClusterIdentifier: string;
  readonly createdAt: string;
  readonly ageHours: number;
}

/**
 * The newest `available` snapshot of `cluster` in the listing. Throws naming the cluster when there is
 * none, and when the newest is older than `maxAgeHours` (copies stopped: restoring it would lose more
 * than the recovery point objective allows, so the operator decides, with a larger `--max-age-hours`).
 */
export function latestRestorePoint(
  listing: SnapshotListing,
  cluster: string,
  opts: { now: Date; maxAgeHours: number },
): RestorePoint {
  const candidates = listing.Snapshots.filter(
    (s) => s.ClusterIdentifier === cluster && s.Status === "available",
  ).sort((a, b) => Date.parse(b.SnapshotCreateTime) - Date.parse(a.SnapshotCreateTime));
  const latest = candidates[0];
  if (!latest) {
    const others = [...new Set(listing.Snapshots.map((s) => s.ClusterIdentifier))];
    throw new Error(
      `no available snapshot of cluster ${cluster} in the listing (${listing.Snapshots.length} snapshot(s)${others.length ? ` of ${others.join(", ")}` : ""}): is snapshot copy to this region on, and is this the DR region's listing?`,
    );
  }
  const ageHours = (opts.now.getTime() - Date.parse(latest.SnapshotCreateTime)) / 3_600_000;
  if (ageHours > opts.maxAgeHours) {
    throw new Error(
      `the newest available snapshot of ${cluster}, ${latest.SnapshotIdentifier}, is ${ageHours.toFixed(1)} h old (more than --max-age-hours ${opts.maxAgeHours}): check the snapshot copy, or accept the loss with a larger --max-age-hours`,
    );
  }
  return {
    snapshotIdentifier: latest.SnapshotIdentifier,
    sourceClusterIdentifier: latest.ClusterIdentifier,
    createdAt: latest.SnapshotCreateTime,
    ageHours,
  };
}

/** Single-quotes a value for a POSIX shell. */
function shellQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

/** The commands that put the restore point into the DR platform stack's configuration. */
export function restoreCommands(point: RestorePoint, stack: string): string[] {
  const key = "data-platform:warehouse.restoreFromSnapshot";
  return [
    `pulumi config set --path ${key}.snapshotIdentifier ${shellQuote(point.snapshotIdentifier)} --stack ${shellQuote(stack)}`,
    `pulumi config set --path ${key}.sourceClusterIdentifier ${shellQuote(point.sourceClusterIdentifier)} --stack ${shellQuote(stack)}`,
  ];
}

if (require.main === module) {
  try {
    const { values } = parseArgs({
      options: {
        snapshots: { type: "string" },
        cluster: { type: "string" },
        stack: { type: "string" },
        "max-age-hours": { type: "string", default: "24" },
        now: { type: "string" },
      },
    });
    for (const flag of ["snapshots", "cluster", "stack"] as const)
      if (!values[flag]) throw new Error(`--${flag} is required`);
    const maxAgeHours = Number(values["max-age-hours"]);
    if (!Number.isFinite(maxAgeHours) || maxAgeHours <= 0)
      throw new Error(`--max-age-hours ${values["max-age-hours"]}: a positive number of hours`);
    const listing = SnapshotListingSchema.parse(JSON.parse(fs.readFileSync(values.snapshots!, "utf8")));
    const point = latestRestorePoint(listing, values.cluster!, {
      now: values.now ? new Date(values.now) : new Date(),
      maxAgeHours,
    });
    process.stderr.write(
      `restoring ${point.snapshotIdentifier} of ${point.sourceClusterIdentifier}, taken ${point.createdAt} (${point.ageHours.toFixed(1)} h ago)\n`,
    );
    process.stdout.write(`${restoreCommands(point, values.stack!).join("\n")}\n`);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
}
