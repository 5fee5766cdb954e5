/**
 * Pulumi Deployments for one environment: deployment settings for every project of the repository
 * (source, path filters, OIDC credentials, previews on pull requests, push-to-deploy for dev in
 * dependency order), the policy pack published from `policies/` and the policy group that enforces
 * it. The `local` stack declares nothing: the embedded environment has no Pulumi Cloud.
 *
 * The projects, their path filters and their dependencies come from `projects.json`, written by
 * `npm run deployments:projects` (a test fails when it is stale): this program loads production
 * dependencies only.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { readDomainConfig } from "../../config";
import { contentVersion, StackDeployments } from "../../components/delivery";
import { readPlatformStack } from "../../contracts/reference";
import { configSchema } from "./config";

const cfg = readDomainConfig(configSchema);
const stack = pulumi.getStack();

const POLICIES_DIR = path.join(__dirname, "..", "..", "policies");

const projectsSchema = z.array(
  z.object({
    name: z.string().min(1),
    repoDir: z.string().min(1),
    paths: z.array(z.string().min(1)).min(1),
    dependsOn: z.array(z.string()),
  }),
);

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

let managedProjects: string[] = [];
let policyPackVersion: pulumi.Output<string> | undefined;
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
  const projects = projectsSchema.parse(readJson(path.join(__dirname, "projects.json")));
  const policyConfigFile = path.join(
    __dirname,
    "..",
    "..",
    "policies",
    `${cfg.policyEnvironment ?? stack}.json`,
  );
  const packVersion = z
    .object({ version: z.string() })
    .parse(readJson(path.join(POLICIES_DIR, "package.json")));
  const deployments = new StackDeployments(stack, {
    organization: pulumi.getOrganization(),
    stack,
    repository: cfg.repository,
    branch: cfg.branch,
    deployOnPush: cfg.deployOnPush,
    projects,
    awsRoleArn: roleArn,
    policyPack: {
      name: cfg.policyPackName,
      sourcePath: POLICIES_DIR,
      versionTag: contentVersion(POLICIES_DIR, packVersion.version),
      config: fs.existsSync(policyConfigFile)
        ? z.record(z.string(), z.unknown()).parse(readJson(policyConfigFile))
        : {},
    },
  });
  managedProjects = projects.map((p) => p.name);
  policyPackVersion = deployments.policyPack.versionTag;
}

export const projects = managedProjects;
export const policyPack = policyPackVersion;
