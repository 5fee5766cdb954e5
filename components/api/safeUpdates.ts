import * as pulumi from "@pulumi/pulumi";
import { contentHash } from "../delivery/contentVersion";

/**
 * What `runtime/api/Dockerfile` copies into its build stage, relative to the repository root (the
 * build context). A test keeps this list equal to the Dockerfile's `COPY` sources.
 */
export const API_IMAGE_INPUTS = [
  "package.json",
  "package-lock.json",
  "policies/package.json",
  "tsconfig.json",
  "runtime",
] as const;

/**
 * The API image's tag: the first 16 hex digits of a SHA-256 over its build inputs. The ECR
 * repository is IMMUTABLE, so a fixed tag (or awsx's default) would be refused on the second push;
 * this tag changes exactly when what goes into the image changes.
 */
export function apiImageTag(root: string): string {
  return contentHash(root, API_IMAGE_INPUTS).slice(0, 16);
}

/**
 * A resource transform for `awsx.ecs.FargateService`: the `aws.ecs.Service` it creates ignores
 * later changes to `desiredCount`, which Application Auto Scaling owns after creation. awsx does not
 * pass `ignoreChanges` on to that child (pulumi-awsx#504); a transform reaches it through the engine.
 */
export const ignoreScaledDesiredCount: pulumi.ResourceTransform = (args) => {
  if (args.type !== "aws:ecs/service:Service") return undefined;
  const ignore = [...new Set([...(args.opts.ignoreChanges ?? []), "desiredCount"])];
  return { props: args.props, opts: { ...args.opts, ignoreChanges: ignore } };
};
