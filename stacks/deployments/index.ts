/**
 * Pulumi Deployments for one environment: deployment settings for every project of the repository
 * (source, path filters, OIDC credentials, previews on pull requests, push-to-deploy for dev) and
 * the policy group that attaches the policy pack. The `local` stack declares nothing: the embedded
 * environment has no Pulumi Cloud.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { readDomainConfig } from "../../config";
import { StackDeployments } from "../../components/delivery";
import { pathFilters } from "../../cli/deploy/paths";
import { readPlatformStack } from "../../contracts/reference";
import { discoverProjects, REPO_ROOT } from "../../harness/projects";
import { configSchema } from "./config";

const cfg = readDomainConfig(configSchema);
const stack = pulumi.getStack();

function policyConfig(env: string): Record<string, unknown> {
  const file = path.join(REPO_ROOT, "policies", `${env}.json`);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>) : {};
}

let managedProjects: string[] = [];
if (stack !== "local") {
  if (!cfg.repository) {
    throw new pulumi.RunError(
      `deployments:repository = (not set): required: a GitHub repository as owner/name`,
    );
  }
  const platform = readPlatformStack({ override: cfg.platformStack });
  const roleArn = cfg.awsRoleArn
    ? pulumi.output(cfg.awsRoleArn)
    : platform.outputs.apply((p) => {
        if (!p.deployRoleArn) {
          throw new Error(
            `stack "${platform.name}" exports no deployRoleArn: deploy the platform first or set deployments:awsRoleArn`,
          );
        }
        return p.deployRoleArn;
      });
  const projects = discoverProjects().map((p) => ({
    name: p.name,
    repoDir: path.relative(REPO_ROOT, p.dir) || ".",
    paths: pathFilters(p),
  }));
  new StackDeployments(stack, {
    organization: pulumi.getOrganization(),
    stack,
    repository: cfg.repository,
    branch: cfg.branch,
    deployOnPush: cfg.deployOnPush,
    projects,
    awsRoleArn: roleArn,
    policyPack: { name: cfg.policyPackName, config: policyConfig(stack) },
  });
  managedProjects = projects.map((p) => p.name);
}

export const projects = managedProjects;
