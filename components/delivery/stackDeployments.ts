import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";

/** One project of the repository, as Pulumi Deployments sees it. */
export interface ProjectDeployment {
  /** Project name (`Pulumi.yaml` name). */
  readonly name: string;
  /** Directory of the project inside the repository (`.` for the root). */
  readonly repoDir: string;
  /** Path filters: a push that touches none of them does not deploy the project. */
  readonly paths: readonly string[];
}

export interface StackDeploymentsArgs {
  /** Pulumi organization that owns the stacks. */
  readonly organization: string;
  /** The environment (stack name in every project). */
  readonly stack: string;
  /** GitHub repository as `owner/name`. */
  readonly repository: string;
  /** Branch deployments follow. Default `main`. */
  readonly branch?: string;
  /** Deploy on every push that matches a project's paths. Default: true for dev, false otherwise. */
  readonly deployOnPush?: boolean;
  readonly projects: readonly ProjectDeployment[];
  /** IAM role deployments assume by OIDC (created by the platform project). */
  readonly awsRoleArn: pulumi.Input<string>;
  /** The policy pack every stack of the environment is checked with, and its configuration. */
  readonly policyPack: { readonly name: string; readonly config: Record<string, unknown> };
}

/**
 * The deployment settings of one project's stack: source = this repository and the project's
 * directory; previews on pull requests; deploys on push only where `deployOnPush` (dev); AWS
 * credentials by OIDC for one hour; dependencies installed from the lock file before every run.
 */
export function deploymentSettingsFor(
  args: StackDeploymentsArgs,
  project: ProjectDeployment,
): Omit<pulumiservice.DeploymentSettingsArgs, "operationContext"> & {
  operationContext: {
    preRunCommands: string[];
    oidc: { aws: { roleARN: pulumi.Input<string>; sessionName: string; duration: string } };
  };
} {
  return {
    organization: args.organization,
    project: project.name,
    stack: args.stack,
    sourceContext: { git: { branch: `refs/heads/${args.branch ?? "main"}`, repoDir: project.repoDir } },
    github: {
      repository: args.repository,
      deployCommits: args.deployOnPush ?? args.stack === "dev",
      previewPullRequests: true,
      pullRequestTemplate: false,
      paths: [...project.paths],
    },
    operationContext: {
      preRunCommands: ["npm ci --no-audit --no-fund"],
      oidc: {
        aws: {
          roleARN: args.awsRoleArn,
          sessionName: `pulumi-${project.name}-${args.stack}`.slice(0, 64),
          duration: "1h0m0s",
        },
      },
    },
  };
}

/**
 * `dataplatform:delivery:StackDeployments`: Pulumi Deployments settings for every project of one
 * environment, and the policy group that attaches the policy pack to all of those stacks.
 */
export class StackDeployments extends pulumi.ComponentResource {
  readonly settings: pulumiservice.DeploymentSettings[];
  readonly policyGroup: pulumiservice.PolicyGroup;

  constructor(name: string, args: StackDeploymentsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:delivery:StackDeployments", name, {}, opts);
    if (!/^[\w.-]+\/[\w.-]+$/.test(args.repository)) {
      throw new pulumi.ResourceError(
        `repository = "${args.repository}": a GitHub repository as owner/name`,
        this,
      );
    }
    this.settings = args.projects.map(
      (p) =>
        new pulumiservice.DeploymentSettings(`${name}-${p.name}`, deploymentSettingsFor(args, p), {
          parent: this,
        }),
    );
    this.policyGroup = new pulumiservice.PolicyGroup(
      `${name}-policies`,
      {
        name: `data-platform-${args.stack}`,
        organizationName: args.organization,
        entityType: "stacks",
        mode: "preventative",
        policyPacks: [{ name: args.policyPack.name, config: args.policyPack.config }],
        stacks: args.projects.map((p) => ({ name: args.stack, routingProject: p.name })),
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
