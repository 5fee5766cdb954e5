import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  DEPLOY_IAM_ACTIONS,
  DEPLOY_KMS_ACTIONS,
  DEPLOY_SERVICE_ACTIONS,
  decryptThroughSecretsManager,
  PREVIEW_ACTIONS,
  PREVIEW_DENIED_ACTIONS,
} from "./perms";

/** Pulumi Cloud's OIDC issuer (without scheme, as IAM condition keys use it). */
export const PULUMI_OIDC_ISSUER = "api.pulumi.com/oidc";

export interface DeployRoleArgs {
  /** Pulumi organization whose deployments may assume the role (the token audience). */
  readonly organization: string;
  /** Stack (environment) the role deploys; tokens for other stacks are refused. */
  readonly stack: string;
  /** ARN of an existing Pulumi OIDC provider in the account. Default: the component creates one. */
  readonly existingProviderArn?: pulumi.Input<string>;
  /** Maximum session length in seconds. Default 3600. */
  readonly maxSessionDurationSeconds?: number;
}

/**
 * The trust policy: only Pulumi Deployments of `organization`, for stack `stack`, through the
 * Pulumi OIDC provider. No long-lived keys exist anywhere.
 */
export function deployTrustPolicy(providerArn: string, organization: string, stack: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PulumiDeploymentsOidc",
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { [`${PULUMI_OIDC_ISSUER}:aud`]: organization },
          StringLike: {
            [`${PULUMI_OIDC_ISSUER}:sub`]: `pulumi:deploy:org:${organization}:project:*:stack:${stack}:*`,
          },
        },
      },
    ],
  });
}

/**
 * The role's permissions in account `accountId`: the platform's services, key management, secret
 * values decrypted through Secrets Manager, and IAM limited to roles, policies, instance profiles
 * and OIDC providers.
 */
export function deployPermissionsPolicy(accountId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "PlatformServices", Effect: "Allow", Action: [...DEPLOY_SERVICE_ACTIONS], Resource: "*" },
      { Sid: "KeyManagement", Effect: "Allow", Action: [...DEPLOY_KMS_ACTIONS], Resource: "*" },
      decryptThroughSecretsManager(accountId),
      { Sid: "RolesAndPolicies", Effect: "Allow", Action: [...DEPLOY_IAM_ACTIONS], Resource: "*" },
      { Sid: "Identity", Effect: "Allow", Action: ["sts:GetCallerIdentity"], Resource: "*" },
    ],
  });
}

/** The preview role's permissions in account `accountId`: read-only, no data-plane reads. */
export function previewPermissionsPolicy(accountId: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadPlatformServices", Effect: "Allow", Action: [...PREVIEW_ACTIONS], Resource: "*" },
      decryptThroughSecretsManager(accountId),
      { Sid: "NoDataReads", Effect: "Deny", Action: [...PREVIEW_DENIED_ACTIONS], Resource: "*" },
      { Sid: "Identity", Effect: "Allow", Action: ["sts:GetCallerIdentity"], Resource: "*" },
    ],
  });
}

/**
 * `dataplatform:delivery:DeployRole`: the IAM role Pulumi Deployments assumes by OIDC to deploy one
 * environment, and (unless one exists) the account's Pulumi OIDC identity provider.
 */
export class DeployRole extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;
  readonly providerArn: pulumi.Output<string>;

  constructor(name: string, args: DeployRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:delivery:DeployRole", name, {}, opts);
    const duration = args.maxSessionDurationSeconds ?? 3600;
    if (duration < 3600 || duration > 43200) {
      throw new pulumi.ResourceError(
        `maxSessionDurationSeconds = ${duration}: an IAM role session lasts 3600 to 43200 seconds`,
        this,
      );
    }
    const providerArn = args.existingProviderArn
      ? pulumi.output(args.existingProviderArn)
      : new aws.iam.OpenIdConnectProvider(
          `${name}-oidc`,
          { url: `https://${PULUMI_OIDC_ISSUER}`, clientIdLists: [args.organization] },
          { parent: this },
        ).arn;
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Pulumi Deployments of ${args.organization}, stack ${args.stack}`,
        assumeRolePolicy: providerArn.apply((arn) => deployTrustPolicy(arn, args.organization, args.stack)),
        maxSessionDuration: duration,
      },
      { parent: this },
    );
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    new aws.iam.RolePolicy(
      `${name}-deploy`,
      { role: role.name, policy: account.apply(deployPermissionsPolicy) },
      { parent: this },
    );
    this.roleArn = role.arn;
    this.providerArn = providerArn;
    this.registerOutputs({ roleArn: this.roleArn, providerArn: this.providerArn });
  }
}
