import { resourcePolicy } from "../lib/policy";

export const elasticacheMultiAz = resourcePolicy({
  name: "elasticache-multi-az",
  description: "Redis replication groups fail over automatically to a replica in another Availability Zone.",
  severity: "medium",
  concern: "resilience",
  fsbp: ["ElastiCache.3"],
  remediationSteps: "Set cache.multiAz (on by default in prod) with at least two nodes.",
  resourceTypes: ["aws:elasticache/replicationGroup:ReplicationGroup"],
  rules: [
    {
      id: "automatic-failover",
      check: ({ props }) =>
        props.automaticFailoverEnabled === true ? undefined : "Set automaticFailoverEnabled to true.",
    },
    {
      id: "multi-az",
      check: ({ props }) => (props.multiAzEnabled === true ? undefined : "Set multiAzEnabled to true."),
    },
  ],
});
