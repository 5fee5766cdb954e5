import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { validateOutputs } from "./validate";

/**
 * What the API reads from a streaming domain stack (clickstream, orders): its stream, its serving
 * table and, when the domain has a model, its inference endpoint (exported by the ML work; absent
 * otherwise).
 */
export const StreamingDomainOutputsSchema = z.object({
  streamName: z.string().min(1),
  streamArn: z.string().startsWith("arn:"),
  servingTableName: z.string().min(1),
  inferenceEndpointName: z.string().min(1).optional(),
});

export type StreamingDomainOutputs = z.infer<typeof StreamingDomainOutputsSchema>;

/** `<org>/<domain project>/<same stack>` by convention, or the override. */
export function domainStackName(args: {
  org: string;
  domain: string;
  stack: string;
  override?: string;
}): string {
  return args.override ?? `${args.org}/${args.domain}/${args.stack}`;
}

/**
 * Reads a domain stack through a StackReference and validates its outputs; a missing or mistyped
 * output fails the program with an error naming the output and the producing stack.
 *
 * @example
 * const orders = readDomainStack("orders");
 * orders.outputs.apply((o) => o.streamArn);
 */
export function readDomainStack(
  domain: string,
  args: { override?: string; org?: string; opts?: pulumi.CustomResourceOptions } = {},
): { name: string; outputs: pulumi.Output<StreamingDomainOutputs> } {
  const name = domainStackName({
    org: args.org ?? pulumi.getOrganization(),
    domain,
    stack: pulumi.getStack(),
    override: args.override,
  });
  const ref = new pulumi.StackReference(`domain-${domain}`, { name }, args.opts);
  const outputs = ref.outputs.apply((o) => validateOutputs(StreamingDomainOutputsSchema, o, name));
  return { name, outputs };
}
