import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deployPermissionsPolicy, previewPermissionsPolicy } from "./deployRole";

/** GitHub Actions' OIDC issuer (without scheme, as IAM condition keys use it). */
export const GITHUB_OIDC_ISSUER = "token.actions.githubusercontent.com";

/** The audience `aws-actions/configure-aws-credentials` requests. */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

export interface GitHubRolesArgs {
  /** GitHub repository whose workflows may assume the roles, as `owner/name`. */
  readonly repository: string;
  /**
   * GitHub environment whose jobs may assume the deploy role (`environment:` of the deploy job):
   * `dev` in `.github/workflows/main.yml`, `production` in `release.yml`.
   */
  readonly deployEnvironment: string;
  /**
   * ARN of the account's existing GitHub OIDC provider. The provider is an account-wide singleton
   * (one per issuer URL): set this in every environment that shares an account with one that
   * created it. Default: the component creates it.
   */
  readonly existingProviderArn?: pulumi.Input<string>;
  /** Maximum session length in seconds, 3600-43200. Default 3600. */
  readonly maxSessionDurationSeconds?: number;
}

/** The trust policy of a role GitHub Actions assumes: this repository, this subject, by OIDC. */
export function githubTrustPolicy(providerArn: string, repository: string, subject: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "GitHubActionsOidc",
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_ISSUER}:aud`]: GITHUB_OIDC_AUDIENCE,
            [`${GITHUB_OIDC_ISSUER}:sub`]: `repo:${repository}:${subject}`,
          },
        },
      },
    ],
  });
}

/**
 * `dataplatform:delivery:GitHubRoles`: the roles the GitHub workflows assume by OIDC in one
 * environment — a read-only preview role for pull-request jobs (`repo:<repo>:pull_request`) and a
 * deploy role for jobs of the deploy environment (`repo:<repo>:environment:<env>`) — and, unless one
 * exists, the account's GitHub OIDC provider.
 */
export class GitHubRoles extends pulumi.ComponentResource {
  readonly providerArn: pulumi.Output<string>;
  readonly previewRoleArn: pulumi.Output<string>;
  readonly deployRoleArn: pulumi.Output<string>;

  constructor(name: string, args: GitHubRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:delivery:GitHubRoles", name, {}, opts);
    if (!/^[\w.-]+\/[\w.-]+$/.test(args.repository)) {
      throw new pulumi.ResourceError(
        `repository = "${args.repository}": a GitHub repository as owner/name`,
        this,
      );
    }
    if (!/^[\w.-]+$/.test(args.deployEnvironment)) {
      throw new pulumi.ResourceError(
        `deployEnvironment = "${args.deployEnvironment}": a GitHub environment name (letters, digits, . _ -)`,
        this,
      );
    }
    const duration = args.maxSessionDurationSeconds ?? 3600;
    if (duration < 3600 || duration > 43200) {
      throw new pulumi.ResourceError(
        `maxSessionDurationSeconds = ${duration}: an IAM role session lasts 3600 to 43200 seconds`,
        this,
      );
    }
    this.providerArn = args.existingProviderArn
      ? pulumi.output(args.existingProviderArn)
      : new aws.iam.OpenIdConnectProvider(
          `${name}-oidc`,
          { url: `https://${GITHUB_OIDC_ISSUER}`, clientIdLists: [GITHUB_OIDC_AUDIENCE] },
          { parent: this },
        ).arn;
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const role = (role: string, subject: string, policy: pulumi.Input<string>, description: string) => {
      const r = new aws.iam.Role(
        `${name}-${role}`,
        {
          description,
          assumeRolePolicy: this.providerArn.apply((arn) => githubTrustPolicy(arn, args.repository, subject)),
          maxSessionDuration: duration,
        },
        { parent: this },
      );
      new aws.iam.RolePolicy(`${name}-${role}-policy`, { role: r.name, policy }, { parent: this });
      return r.arn;
    };
    this.previewRoleArn = role(
      "preview",
      "pull_request",
      account.apply(previewPermissionsPolicy),
      `GitHub Actions previews of ${args.repository} pull requests (read-only)`,
    );
    this.deployRoleArn = role(
      "deploy",
      `environment:${args.deployEnvironment}`,
      account.apply(deployPermissionsPolicy),
      `GitHub Actions deployments of ${args.repository}, environment ${args.deployEnvironment}`,
    );
    this.registerOutputs({
      providerArn: this.providerArn,
      previewRoleArn: this.previewRoleArn,
      deployRoleArn: this.deployRoleArn,
    });
  }
}
