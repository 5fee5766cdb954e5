import { stackPolicy } from "../lib/policy";

const CLUSTER = "aws:redshift/cluster:Cluster";
const PARAMETER_GROUP = "aws:redshift/parameterGroup:ParameterGroup";

export const redshiftRequireSsl = stackPolicy({
  name: "redshift-require-ssl",
  description: "Redshift clusters use a parameter group that sets require_ssl to true.",
  severity: "high",
  concern: "encryption-in-transit",
  fsbp: ["Redshift.2"],
  remediationSteps:
    "Create an aws.redshift.ParameterGroup with parameter require_ssl = true and pass its name as the cluster's clusterParameterGroupName.",
  resourceTypes: [CLUSTER],
  relatedTypes: [PARAMETER_GROUP],
  rules: [
    {
      id: "parameter-group",
      check: ({ resource }) =>
        (resource.propertyDependencies.clusterParameterGroupName ?? []).some(
          (d) => d.type === PARAMETER_GROUP,
        )
          ? undefined
          : "Set clusterParameterGroupName to an aws.redshift.ParameterGroup of this stack (the default group allows plain connections).",
    },
    {
      id: "require-ssl",
      check: ({ resource }) => {
        const groups = (resource.propertyDependencies.clusterParameterGroupName ?? []).filter(
          (d) => d.type === PARAMETER_GROUP,
        );
        for (const g of groups) {
          const params = (g.props.parameters ?? []) as { name: string; value: string }[];
          if (!params.some((p) => p.name === "require_ssl" && String(p.value).toLowerCase() === "true"))
            return "Add the parameter require_ssl = true to the cluster's parameter group.";
        }
        return undefined;
      },
    },
  ],
});
