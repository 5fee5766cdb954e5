import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_PROJECT, type PlatformOutputs, PlatformOutputsSchema } from "./platform";
import { validateOutputs } from "./validate";

/**
 * The platform stack a domain stack reads: `<org>/data-platform/<same stack>` by convention, or
 * the `override` (config `<domain>:platformStack`) when set.
 */
export function platformStackName(args: { org: string; stack: string; override?: string }): string {
  return args.override ?? `${args.org}/${PLATFORM_PROJECT}/${args.stack}`;
}

/**
 * Reads the platform stack and validates its outputs against the contract. A missing or mistyped
 * output fails the program with an error naming the output and the producing stack.
 *
 * @example
 * const platform = readPlatformStack({ override: cfg.platformStack });
 * const region = platform.apply((p) => p.region);
 */
export function readPlatformStack(args: { override?: string; org?: string } = {}): {
  name: string;
  outputs: pulumi.Output<PlatformOutputs>;
} {
  const name = platformStackName({
    org: args.org ?? pulumi.getOrganization(),
    stack: pulumi.getStack(),
    override: args.override,
  });
  const ref = new pulumi.StackReference("platform", { name });
  const outputs = ref.outputs.apply((o) => validateOutputs(PlatformOutputsSchema, o, name));
  return { name, outputs };
}
