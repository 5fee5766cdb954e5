import { resourcePolicy } from "../lib/policy";
import { present } from "../lib/values";

export const elasticacheAuth = resourcePolicy({
  name: "elasticache-auth",
  description: "Redis replication groups require authentication (an AUTH token or RBAC user groups).",
  severity: "high",
  concern: "iam",
  fsbp: ["ElastiCache.6"],
  remediationSteps:
    "Set authToken from a generated secret (components/cache RedisCache does) or userGroupIds on the replication group.",
  resourceTypes: ["aws:elasticache/replicationGroup:ReplicationGroup"],
  rules: [
    {
      id: "authentication",
      check: ({ props }) =>
        present(props, "authToken") || present(props, "authTokenWo") || present(props, "userGroupIds")
          ? undefined
          : "Set authToken (from Secrets Manager) or userGroupIds so clients must authenticate.",
    },
  ],
});
