import { CATALOG_READ_ACTIONS } from "../lake/perms";
/**
 * IAM action lists of the warehouse layer: what Redshift's own role may do to load from the lake
 * (COPY) and query it in place (Spectrum over the Glue Data Catalog). Explicit actions only.
 */

/** Reading lake objects for COPY and Spectrum scans. */
export const LAKE_READ_OBJECT_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion"] as const;

/** Listing the lake bucket (constrained to the zone prefix) and locating it. */
export const LAKE_LIST_ACTIONS = ["s3:ListBucket", "s3:GetBucketLocation"] as const;

/** Decrypting SSE-KMS lake objects. */
export const LAKE_KMS_ACTIONS = ["kms:Decrypt", "kms:DescribeKey"] as const;

/** Read-only Glue Data Catalog access Spectrum needs for an external schema (the lake's catalog reads). */
export const GLUE_CATALOG_READ_ACTIONS = CATALOG_READ_ACTIONS;
