import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BucketRef } from "./lakeBucket";
import { normalizeDatasetPrefix } from "./partitioning";
import { readPolicy, writePolicy } from "./policies";

export interface BucketAccessArgs {
  /** Role that receives the access. Required. */
  readonly role: aws.iam.Role;
  /** The bucket (a `LakeBucket`, or a reference built from the platform's outputs). Required. */
  readonly bucket: BucketRef;
  /** `read` (list, get, decrypt) or `write` (list, put, multipart, encrypt). Required. */
  readonly access: "read" | "write";
  /** Key prefix the access is limited to. Default: the whole bucket. */
  readonly prefix?: string;
  /** With `write`: also delete objects under the prefix. Default false. */
  readonly allowDelete?: boolean;
}

/**
 * A role policy giving `role` read or write access to one bucket, limited to a prefix and to the
 * bucket's KMS key used through S3 in the bucket's region (the region of the provider in `opts`).
 * `LakeBucket.grantRead` / `grantWrite` use it; a domain that knows the lake buckets only from the
 * platform's outputs calls it directly with `lakeBucketRef`.
 *
 * @example
 * grantBucketAccess("orders-firehose-raw", { role, bucket: lakeBucketRef(platform.lake, "raw"), access: "write", prefix: "orders/" }, { provider });
 */
export function grantBucketAccess(
  name: string,
  args: BucketAccessArgs,
  opts: pulumi.CustomResourceOptions = {},
): aws.iam.RolePolicy {
  const prefix = args.prefix === undefined ? undefined : normalizeDatasetPrefix(args.prefix);
  if (args.allowDelete && args.access !== "write") {
    throw new Error(`grant ${name}: allowDelete only applies to access "write"`);
  }
  const region = aws.getRegionOutput({}, { parent: opts.parent, provider: opts.provider }).region;
  return new aws.iam.RolePolicy(
    name,
    {
      role: args.role.name,
      policy: pulumi
        .all([args.bucket.bucketArn, args.bucket.kmsKeyArn, region])
        .apply(([bucketArn, keyArn, r]) => {
          const scope = {
            bucketArn,
            region: r,
            ...(prefix ? { prefix } : {}),
            ...(keyArn ? { keyArn } : {}),
          };
          return JSON.stringify(
            args.access === "read"
              ? readPolicy(scope)
              : writePolicy({ ...scope, allowDelete: args.allowDelete }),
          );
        }),
    },
    opts,
  );
}
