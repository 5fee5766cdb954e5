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

/**
 * Reads the platform stack's outputs as plain values (awaited through the StackReference, as
 * `pulumi preview` and `pulumi up` read a deployed stack's outputs) and validates them against the
 * contract. Domain programs use these values for decisions that shape what they declare (the
 * environment, backup on or off, streaming settings, the account), which an `Output` cannot drive.
 *
 * @example
 * const { values } = await readPlatformStackValues({ override: cfg.platformStack });
 * if (values.backup) ...
 */
export async function readPlatformStackValues(args: { override?: string; org?: string } = {}): Promise<{
  name: string;
  ref: pulumi.StackReference;
  values: PlatformOutputs;
}> {
  const name = platformStackName({
    org: args.org ?? pulumi.getOrganization(),
    stack: pulumi.getStack(),
    override: args.override,
  });
  const ref = new pulumi.StackReference("platform", { name });
  const keys = Object.keys(PlatformOutputsSchema.shape);
  const details = await Promise.all(keys.map((k) => ref.getOutputDetails(k)));
  const raw: Record<string, unknown> = {};
  keys.forEach((k, i) => {
    const d = details[i];
    const value = d.value !== undefined ? d.value : d.secretValue;
    if (value !== undefined) raw[k] = value;
  });
  return { name, ref, values: validateOutputs(PlatformOutputsSchema, raw, name) };
}
