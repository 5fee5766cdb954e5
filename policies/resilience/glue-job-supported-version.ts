import { resourcePolicy } from "../lib/policy";

export const glueJobSupportedVersion = resourcePolicy({
  name: "glue-job-supported-version",
  description: "Glue Spark jobs run on a Glue version AWS still supports.",
  severity: "medium",
  concern: "resilience",
  fsbp: ["Glue.4"],
  remediationSteps: "Set glueVersion to 4.0 or later (the platform's jobs use 5.0).",
  resourceTypes: ["aws:glue/job:Job"],
  configSchema: { properties: { minimumVersion: { type: "number", default: 4 } } },
  rules: [
    {
      id: "supported-version",
      check: ({ props, config }) => {
        const spark = ["glueetl", "gluestreaming"].includes(String(props.command?.name ?? "glueetl"));
        if (!spark) return undefined;
        const version = Number(props.glueVersion ?? "0.9");
        const min = Number(config.minimumVersion ?? 4);
        return version >= min
          ? undefined
          : `glueVersion ${props.glueVersion ?? "(unset: 0.9)"} is out of support: use ${min.toFixed(1)} or later.`;
      },
    },
  ],
});
