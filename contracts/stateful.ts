/**
 * Stateful resources: the ones whose replacement loses data or breaks every reader (buckets, tables,
 * streams, keys, clusters, repositories, secrets, feature stores, backup vaults). Their URNs per
 * project and environment are committed in `stateful-urns.json`; `stateful.test.ts` fails when a
 * plan no longer has one (a rename, a new parent or type token would make `pulumi up` delete and
 * recreate it) or has a new one that is not listed, unless a planned resource declares an alias to
 * the committed URN (the plan resolves aliases as the engine does: `ProjectPlan.aliases`).
 *
 * After an intentional change: add an alias to the resource so Pulumi moves its state instead of
 * replacing it (`aliases: [{ name: "<old name>" }]`, or `{ parent: <old parent> }` / `{ type }` for a
 * moved or renamed component); the test passes with it. `npm run stateful:update` then records the
 * new URNs.
 */

/** Resource types whose replacement destroys data or identity. */
export const STATEFUL_TYPES = [
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "aws:dynamodb/table:Table",
  "aws:kinesis/stream:Stream",
  "aws:kms/key:Key",
  "aws:kms/replicaKey:ReplicaKey",
  "aws:redshift/cluster:Cluster",
  "aws:redshiftserverless/namespace:Namespace",
  "aws:rds/cluster:Cluster",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:emr/cluster:Cluster",
  "aws:ecr/repository:Repository",
  "aws:secretsmanager/secret:Secret",
  "aws:sagemaker/featureGroup:FeatureGroup",
  "aws:backup/vault:Vault",
] as const;

/** The committed list's shape: `"<project>/<stack>"` to the sorted URNs of its stateful resources. */
export type StatefulUrns = Record<string, string[]>;

/** The stateful URNs among a plan's steps, sorted. */
export function statefulUrns(steps: readonly { urn: string; newState: { type: string } }[]): string[] {
  const types: readonly string[] = STATEFUL_TYPES;
  return [...new Set(steps.filter((s) => types.includes(s.newState.type)).map((s) => s.urn))].sort();
}

/** What changed between the committed URNs and a plan's: gone (would be replaced) and new. */
export function statefulDiff(
  committed: readonly string[],
  planned: readonly string[],
  aliases: Readonly<Record<string, readonly string[]>> = {},
) {
  // A committed URN is kept when a planned resource answers to it through an alias (the engine then
  // updates that resource in place); such a resource is not "unlisted" either.
  const aliasedFrom = new Map<string, string>();
  for (const urn of planned) for (const old of aliases[urn] ?? []) aliasedFrom.set(old, urn);
  const kept = new Set(committed.filter((u) => aliasedFrom.has(u)).map((u) => aliasedFrom.get(u)!));
  return {
    gone: committed.filter((u) => !planned.includes(u) && !aliasedFrom.has(u)),
    added: planned.filter((u) => !committed.includes(u) && !kept.has(u)),
  };
}
