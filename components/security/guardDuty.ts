import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Protection plans the platform turns on (FSBP GuardDuty.5 to .13): S3 data events, EKS audit
 * logs, EBS malware scans, RDS logins, Lambda network activity and Runtime Monitoring.
 */
export const GUARDDUTY_FEATURES = [
  "S3_DATA_EVENTS",
  "EKS_AUDIT_LOGS",
  "EBS_MALWARE_PROTECTION",
  "RDS_LOGIN_EVENTS",
  "LAMBDA_NETWORK_LOGS",
  "RUNTIME_MONITORING",
] as const;

/** Runtime Monitoring agents GuardDuty manages (EKS add-on, ECS Fargate sidecar, EC2 agent). */
export const GUARDDUTY_RUNTIME_AGENTS = [
  "EKS_ADDON_MANAGEMENT",
  "ECS_FARGATE_AGENT_MANAGEMENT",
  "EC2_AGENT_MANAGEMENT",
] as const;

export interface GuardDutyArgs {
  /** How often updated findings are exported. Default `FIFTEEN_MINUTES`. */
  readonly findingPublishingFrequency?: "FIFTEEN_MINUTES" | "ONE_HOUR" | "SIX_HOURS";
  /** Protection plans to enable. Default `GUARDDUTY_FEATURES`. */
  readonly features?: readonly string[];
}

/**
 * The region's GuardDuty detector with its protection plans as separate `DetectorFeature`
 * resources (the detector's `datasources` block is deprecated). GuardDuty allows one detector per
 * account and region: import an existing one rather than creating a second.
 */
export class GuardDuty extends pulumi.ComponentResource {
  readonly detector: aws.guardduty.Detector;
  readonly features: aws.guardduty.DetectorFeature[];

  constructor(name: string, args: GuardDutyArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:security:GuardDuty", name, {}, opts);
    const parent = { parent: this };
    this.detector = new aws.guardduty.Detector(
      `${name}-detector`,
      { enable: true, findingPublishingFrequency: args.findingPublishingFrequency ?? "FIFTEEN_MINUTES" },
      parent,
    );
    this.features = (args.features ?? GUARDDUTY_FEATURES).map(
      (feature) =>
        new aws.guardduty.DetectorFeature(
          `${name}-${feature.toLowerCase().replace(/_/g, "-")}`,
          {
            detectorId: this.detector.id,
            name: feature,
            status: "ENABLED",
            ...(feature === "RUNTIME_MONITORING"
              ? {
                  additionalConfigurations: GUARDDUTY_RUNTIME_AGENTS.map((a) => ({
                    name: a,
                    status: "ENABLED",
                  })),
                }
              : {}),
          },
          parent,
        ),
    );
    this.registerOutputs({ detectorId: this.detector.id });
  }
}
