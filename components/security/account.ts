import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AccountContext } from "./documents";

/**
 * Account id, partition and region as seen through `parent`'s provider: what ARNs, service
 * principals and confused-deputy conditions are built from.
 */
export function accountContext(parent: pulumi.Resource): pulumi.Output<AccountContext> {
  const opts = { parent };
  return pulumi
    .all([
      aws.getCallerIdentityOutput({}, opts),
      aws.getPartitionOutput({}, opts),
      aws.getRegionOutput({}, opts),
    ])
    .apply(([caller, partition, region]) => ({
      accountId: caller.accountId,
      partition: partition.partition,
      region: region.region,
    }));
}
