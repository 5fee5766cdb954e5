import { resourcePolicy } from "../lib/policy";
import { asList, parseJson } from "../lib/values";

interface Container {
  name?: string;
  user?: string;
  privileged?: boolean;
  readonlyRootFilesystem?: boolean;
  environment?: { name?: string; value?: string }[];
  logConfiguration?: { logDriver?: string };
}

/** Environment variable names that carry credentials (the FSBP ECS.8 list). */
const CREDENTIAL_VARIABLES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"];

/** The task definition's containers (`containerDefinitions` is JSON text). */
function containersOf(props: Record<string, unknown>): Container[] {
  return asList(parseJson(props.containerDefinitions)) as Container[];
}

const names = (cs: Container[]) => cs.map((c) => c.name ?? "(unnamed)").join(", ");
const isRoot = (user: string | undefined) => user === undefined || /^(root|0)(:|$)/.test(user);

export const ecsTaskDefinitionHardened = resourcePolicy({
  name: "ecs-task-definition-hardened",
  description:
    "ECS containers run unprivileged as a non-root user with a read-only root filesystem, outside the host's network and process namespaces, log somewhere and get no credentials in plain environment variables.",
  severity: "high",
  concern: "network-exposure",
  fsbp: ["ECS.1", "ECS.3", "ECS.4", "ECS.5", "ECS.8", "ECS.9"],
  remediationSteps:
    "Use networkMode awsvpc, no pidMode host, privileged false, user set to a non-root uid, readonlyRootFilesystem true, a logConfiguration (awslogs) and `secrets` from Secrets Manager instead of credential environment variables.",
  resourceTypes: ["aws:ecs/taskDefinition:TaskDefinition"],
  rules: [
    {
      id: "host-network-root",
      check: ({ props }) => {
        if (props.networkMode !== "host") return undefined;
        const bad = containersOf(props).filter((c) => c.privileged === true || isRoot(c.user));
        return bad.length
          ? `Containers ${names(bad)} run as root or privileged in the host's network namespace: use networkMode awsvpc or a non-root user.`
          : undefined;
      },
    },
    {
      id: "host-pid",
      check: ({ props }) =>
        props.pidMode === "host"
          ? "Remove pidMode host: containers must not see the host's processes."
          : undefined,
    },
    {
      id: "privileged",
      check: ({ props }) => {
        const bad = containersOf(props).filter((c) => c.privileged === true);
        return bad.length ? `Set privileged to false on ${names(bad)}.` : undefined;
      },
    },
    {
      id: "read-only-root",
      check: ({ props }) => {
        const bad = containersOf(props).filter((c) => c.readonlyRootFilesystem !== true);
        return bad.length
          ? `Set readonlyRootFilesystem to true on ${names(bad)} (mount a volume for what must be written).`
          : undefined;
      },
    },
    {
      id: "env-credentials",
      check: ({ props }) => {
        const bad = containersOf(props).flatMap((c) =>
          (c.environment ?? [])
            .filter((e) => CREDENTIAL_VARIABLES.includes(String(e.name)))
            .map((e) => e.name),
        );
        return bad.length
          ? `Move ${[...new Set(bad)].join(", ")} from environment to secrets (Secrets Manager or SSM), or use the task role.`
          : undefined;
      },
    },
    {
      id: "logging",
      check: ({ props }) => {
        const bad = containersOf(props).filter((c) => !c.logConfiguration?.logDriver);
        return bad.length
          ? `Give ${names(bad)} a logConfiguration (awslogs to a retained log group).`
          : undefined;
      },
    },
  ],
});
