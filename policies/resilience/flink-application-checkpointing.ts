import { resourcePolicy } from "../lib/policy";
import { raw } from "../lib/values";

export const flinkApplicationCheckpointing = resourcePolicy({
  name: "flink-application-checkpointing",
  description:
    "Managed Service for Apache Flink applications checkpoint their state and keep snapshots, so a restart or an update resumes where it stopped.",
  severity: "high",
  concern: "resilience",
  remediationSteps:
    "Set flinkApplicationConfiguration.checkpointConfiguration to configurationType DEFAULT, or CUSTOM with checkpointingEnabled true, and applicationSnapshotConfiguration.snapshotsEnabled true.",
  resourceTypes: ["aws:kinesisanalyticsv2/application:Application"],
  rules: [
    {
      id: "checkpointing",
      check: ({ props }) => {
        const config = raw(raw(props).applicationConfiguration) as Record<string, unknown> | undefined;
        if (raw(config?.sqlApplicationConfiguration) !== undefined) return undefined; // legacy SQL apps have no checkpoints
        const cp = props.applicationConfiguration?.flinkApplicationConfiguration?.checkpointConfiguration;
        // Without a checkpointConfiguration the service applies its defaults (checkpointing on).
        if (cp === undefined || cp.configurationType === "DEFAULT") return undefined;
        return cp.checkpointingEnabled === true
          ? undefined
          : "Set checkpointConfiguration.checkpointingEnabled to true (or configurationType DEFAULT).";
      },
    },
    {
      id: "snapshots",
      check: ({ props }) =>
        props.applicationConfiguration?.applicationSnapshotConfiguration?.snapshotsEnabled === true
          ? undefined
          : "Set applicationConfiguration.applicationSnapshotConfiguration.snapshotsEnabled to true.",
    },
  ],
});
