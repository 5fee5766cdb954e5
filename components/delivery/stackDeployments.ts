import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";

/** One project of the repository, as Pulumi Deployments sees it. */
export interface ProjectDeployment {
  /** Project name (`Pulumi.yaml` name). */
  readonly name: string;
  /** Directory of the project inside the repository (`.` for the root). */
  readonly repoDir: string;
  /** Every repository path whose change can change what the project deploys. */
  readonly paths: readonly string[];
  /** Projects whose stacks this one reads; they deploy first. Default none. */
  readonly dependsOn?: readonly string[];
}

/** The published policy pack: its folder, name and version. */
export interface PolicyPackSource {
  /** Pack name, as in `new PolicyPack(name, ...)` of the pack's entry point. */
  readonly name: string;
  /** Absolute path of the pack's folder (tarballed and uploaded). */
  readonly sourcePath: string;
  /** Version tag; a new tag publishes a new version (versions are immutable). */
  readonly versionTag: string;
  /** Policy configuration of this environment (`policies/<env>.json`). */
  readonly config: Record<string, unknown>;
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
  /** Deploy on push to `branch`, in dependency order. Default: true for dev, false otherwise. */
  readonly deployOnPush?: boolean;
  /** Every project of the repository; each `dependsOn` must name projects of this list. */
  readonly projects: readonly ProjectDeployment[];
  /** IAM role deployments assume by OIDC (created by the platform project). */
  readonly awsRoleArn: pulumi.Input<string>;
  /** The policy pack to publish and enforce on every stack of the environment. */
  readonly policyPack: PolicyPackSource;
  /**
   * Image the deployments run in. Default `pulumi/pulumi-nodejs-22:latest`: Node 22, the version the
   * Lambdas and the API image run and the workflows test with.
   */
  readonly executorImage?: string;
}

/** The default executor: the Pulumi CLI on Node 22. */
export const DEFAULT_EXECUTOR_IMAGE = "pulumi/pulumi-nodejs-22:latest";

/** All dependencies of `name`, transitively. */
function ancestors(
  projects: readonly ProjectDeployment[],
  name: string,
  seen = new Set<string>(),
): Set<string> {
  for (const d of projects.find((p) => p.name === name)?.dependsOn ?? []) {
    if (!seen.has(d)) {
      seen.add(d);
      ancestors(projects, d, seen);
    }
  }
  return seen;
}

/**
 * The paths whose change deploys `project` directly on push: its own paths minus those of every
 * project it depends on. A change to a shared file deploys the first project that loads it, and
 * the webhooks carry the deployment down to the projects that read its stack, in order.
 */
export function triggerPaths(projects: readonly ProjectDeployment[], project: ProjectDeployment): string[] {
  const upstream = new Set(
    [...ancestors(projects, project.name)].flatMap((n) => [
      ...(projects.find((p) => p.name === n)?.paths ?? []),
    ]),
  );
  return project.paths.filter((p) => !upstream.has(p));
}

/**
 * The dependencies whose successful update deploys `project`: its direct dependencies that no other
 * dependency already depends on (platform -> orders -> api needs orders -> api, not platform -> api).
 */
export function triggeringProjects(
  projects: readonly ProjectDeployment[],
  project: ProjectDeployment,
): string[] {
  const deps = project.dependsOn ?? [];
  return deps.filter((d) => !deps.some((other) => other !== d && ancestors(projects, other).has(d)));
}

/**
 * The deployment settings of one project's stack: source = this repository and the project's
 * directory; previews on pull requests; deploys on push only where `deployOnPush` (dev), for the
 * project's trigger paths; AWS credentials by OIDC for one hour; dependencies installed from the
 * lock file; Node 22.
 */
export function deploymentSettingsFor(
  args: StackDeploymentsArgs,
  project: ProjectDeployment,
): pulumiservice.DeploymentSettingsArgs & {
  vcs: pulumiservice.types.input.DeploymentSettingsVcsArgs & { paths: string[] };
  operationContext: {
    preRunCommands: string[];
    oidc: { aws: { roleARN: pulumi.Input<string>; sessionName: string; duration: string } };
    options: { skipInstallDependencies: boolean; skipIntermediateDeployments: boolean };
  };
  executorContext: { executorImage: string };
} {
  return {
    organization: args.organization,
    project: project.name,
    stack: args.stack,
    sourceContext: { git: { branch: `refs/heads/${args.branch ?? "main"}`, repoDir: project.repoDir } },
    // `vcs` replaces the deprecated `github` block (provider 1.x).
    vcs: {
      provider: "github",
      repository: args.repository,
      deployCommits: args.deployOnPush ?? args.stack === "dev",
      previewPullRequests: true,
      pullRequestTemplate: false,
      paths: triggerPaths(args.projects, project),
    },
    executorContext: { executorImage: args.executorImage ?? DEFAULT_EXECUTOR_IMAGE },
    operationContext: {
      // The workspace root holds the lock file; project folders have none of their own.
      preRunCommands: ['cd "$(git rev-parse --show-toplevel)" && npm ci --no-audit --no-fund'],
      options: { skipInstallDependencies: true, skipIntermediateDeployments: true },
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
 * `dataplatform:delivery:StackDeployments`: Pulumi Deployments for every project of one environment:
 * deployment settings per project, the policy pack published from the repository and enforced by a
 * policy group on all of those stacks, and (with push-to-deploy) webhooks that deploy each project
 * after the projects it reads updated successfully: platform -> domains -> api.
 */
export class StackDeployments extends pulumi.ComponentResource {
  readonly settings: pulumiservice.DeploymentSettings[];
  readonly policyPack: pulumiservice.PolicyPack;
  readonly policyGroup: pulumiservice.PolicyGroup;
  readonly webhooks: pulumiservice.Webhook[];

  constructor(name: string, args: StackDeploymentsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:delivery:StackDeployments", name, {}, opts);
    if (!/^[\w.-]+\/[\w.-]+$/.test(args.repository)) {
      throw new pulumi.ResourceError(
        `repository = "${args.repository}": a GitHub repository as owner/name`,
        this,
      );
    }
    const names = new Set(args.projects.map((p) => p.name));
    for (const p of args.projects) {
      for (const d of p.dependsOn ?? []) {
        if (!names.has(d)) {
          throw new pulumi.ResourceError(
            `projects[${p.name}].dependsOn = "${d}": not one of the projects (${[...names].join(", ")})`,
            this,
          );
        }
      }
    }
    this.settings = args.projects.map(
      (p) =>
        new pulumiservice.DeploymentSettings(`${name}-${p.name}`, deploymentSettingsFor(args, p), {
          parent: this,
        }),
    );
    this.policyPack = new pulumiservice.PolicyPack(
      `${name}-policy-pack`,
      {
        organization: args.organization,
        name: args.policyPack.name,
        sourcePath: args.policyPack.sourcePath,
        versionTag: args.policyPack.versionTag,
      },
      { parent: this },
    );
    this.policyGroup = new pulumiservice.PolicyGroup(
      `${name}-policies`,
      {
        name: `data-platform-${args.stack}`,
        organizationName: args.organization,
        entityType: "stacks",
        mode: "preventative",
        policyPacks: [
          {
            // Outputs of the published pack: the group is attached only once the version exists.
            name: this.policyPack.name,
            versionTag: this.policyPack.versionTag,
            config: args.policyPack.config,
          },
        ],
        stacks: args.projects.map((p) => ({ name: args.stack, routingProject: p.name })),
      },
      { parent: this },
    );
    const onPush = args.deployOnPush ?? args.stack === "dev";
    this.webhooks = !onPush
      ? []
      : args.projects.flatMap((p) =>
          triggeringProjects(args.projects, p).map(
            (upstream) =>
              new pulumiservice.Webhook(
                `${name}-${upstream}-then-${p.name}`,
                {
                  active: true,
                  displayName: `deploy ${p.name} after ${upstream}`,
                  organizationName: args.organization,
                  projectName: upstream,
                  stackName: args.stack,
                  format: pulumiservice.WebhookFormat.PulumiDeployments,
                  // The stack to deploy, as `project/stack` in the same organization.
                  payloadUrl: `${p.name}/${args.stack}`,
                  // Updates only: `deployment_succeeded` also fires for pull-request preview deployments.
                  filters: [pulumiservice.WebhookFilters.UpdateSucceeded],
                },
                { parent: this },
              ),
          ),
        );
    this.registerOutputs({ policyPackVersion: this.policyPack.versionTag });
  }
}
