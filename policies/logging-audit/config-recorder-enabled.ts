import { resourcePolicy } from "../lib/policy";

const RECORDER = "aws:cfg/recorder:Recorder";
const STATUS = "aws:cfg/recorderStatus:RecorderStatus";

export const configRecorderEnabled = resourcePolicy({
  name: "config-recorder-enabled",
  description: "The AWS Config recorder records all supported resource types and is turned on.",
  severity: "medium",
  concern: "logging-audit",
  fsbp: ["Config.1"],
  remediationSteps:
    "Set recordingGroup.allSupported: true on aws.cfg.Recorder and isEnabled: true on its aws.cfg.RecorderStatus.",
  resourceTypes: [RECORDER, STATUS],
  rules: [
    {
      id: "all-supported",
      check: ({ type, props }) =>
        type === RECORDER && props.recordingGroup !== undefined && props.recordingGroup.allSupported !== true
          ? "Set recordingGroup.allSupported to true."
          : undefined,
    },
    {
      id: "enabled",
      check: ({ type, props }) =>
        type === STATUS && props.isEnabled !== true
          ? "Set isEnabled to true on the recorder status."
          : undefined,
    },
  ],
});
