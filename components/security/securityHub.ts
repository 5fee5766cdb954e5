import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountContext } from "./account";

/** The AWS Foundational Security Best Practices standard's ARN in a region. */
export function fsbpStandardArn(partition: string, region: string): string {
  return `arn:${partition}:securityhub:${region}::standards/aws-foundational-security-best-practices/v/1.0.0`;
}

export interface SecurityHubArgs {
  /** Subscribe to the Foundational Security Best Practices standard. Default true. */
  readonly foundationalBestPractices?: boolean;
}

/**
 * Security Hub for the account and region, subscribed to the Foundational Security Best Practices
 * standard (and only that: the default standards are not enabled implicitly), with consolidated
 * control findings.
 */
export class SecurityHub extends pulumi.ComponentResource {
  readonly account: aws.securityhub.Account;
  readonly fsbp?: aws.securityhub.StandardsSubscription;

  constructor(name: string, args: SecurityHubArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:security:SecurityHub", name, {}, opts);
    const parent = { parent: this };
    const ctx = accountContext(this);
    this.account = new aws.securityhub.Account(
      `${name}-account`,
      {
        enableDefaultStandards: false,
        controlFindingGenerator: "SECURITY_CONTROL",
        autoEnableControls: true,
      },
      parent,
    );
    if (args.foundationalBestPractices ?? true) {
      this.fsbp = new aws.securityhub.StandardsSubscription(
        `${name}-fsbp`,
        { standardsArn: ctx.apply((c) => fsbpStandardArn(c.partition, c.region)) },
        { ...parent, dependsOn: [this.account] },
      );
    }
    this.registerOutputs({ standardsSubscriptionId: this.fsbp?.id });
  }
}
