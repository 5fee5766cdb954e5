import { stackPolicy } from "../lib/policy";
import { asList, companionsOf } from "../lib/values";

const CLUSTER = "aws:redshift/cluster:Cluster";
const NAMESPACE = "aws:redshiftserverless/namespace:Namespace";
const LOGGING = "aws:redshift/logging:Logging";
const SERVERLESS_LOGS = ["useractivitylog", "userlog", "connectionlog"];

export const redshiftAuditLogging = stackPolicy({
  name: "redshift-audit-logging",
  description:
    "Redshift clusters and serverless namespaces export connection, user and user-activity audit logs.",
  severity: "medium",
  concern: "logging-audit",
  fsbp: ["Redshift.4"],
  remediationSteps:
    "Add an aws.redshift.Logging whose clusterIdentifier is the cluster's output (logDestinationType cloudwatch or s3); on serverless namespaces set logExports to useractivitylog, userlog, connectionlog.",
  resourceTypes: [CLUSTER, NAMESPACE],
  relatedTypes: [LOGGING],
  rules: [
    {
      id: "cluster-logging",
      check: ({ resource, resources }) => {
        if (resource.type !== CLUSTER) return undefined;
        const logging = companionsOf(resource, resources, [LOGGING], "clusterIdentifier");
        if (!logging.length)
          return "Add an aws.redshift.Logging whose clusterIdentifier input is this cluster's output.";
        // To CloudWatch, only the listed logs are exported; to S3, all three always are.
        const exported = logging.flatMap((l) =>
          l.props.logDestinationType === "cloudwatch"
            ? asList(l.props.logExports).map(String)
            : SERVERLESS_LOGS,
        );
        const missing = SERVERLESS_LOGS.filter((l) => !exported.includes(l));
        return missing.length
          ? `Add ${missing.join(", ")} to the aws.redshift.Logging's logExports.`
          : undefined;
      },
    },
    {
      id: "namespace-log-exports",
      check: ({ resource }) => {
        if (resource.type !== NAMESPACE) return undefined;
        const exported = asList(resource.props.logExports).map(String);
        const missing = SERVERLESS_LOGS.filter((l) => !exported.includes(l));
        return missing.length ? `Add ${missing.join(", ")} to logExports.` : undefined;
      },
    },
  ],
});
