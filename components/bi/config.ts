import { z } from "zod";
import { IMPORT_MODES } from "./quickSightLake";

/**
 * `<domain>:quicksight`: QuickSight on the domain's curated roll-ups (`QuickSightLake`). Off by
 * default; needs the account's QuickSight subscription (docs/bootstrap.md) and a QuickSight user
 * or group to own the data source and data set.
 */
export const QuickSightConfigSchema = z
  .strictObject({
    /** Create the QuickSight data source and data set. Default false (on for orders in prod). */
    enabled: z.boolean({ error: "true or false" }).default(false),
    /** QuickSight user or group ARN owning them. Required when enabled. */
    principalArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:quicksight:[a-z0-9-]+:\d{12}:(user|group)\/[A-Za-z0-9_.-]+\/\S+$/, {
        error:
          "a QuickSight user or group ARN such as arn:aws:quicksight:us-east-1:<account>:group/default/<group>",
      })
      .optional(),
    /** DIRECT_QUERY (Athena per visual) or SPICE. Default DIRECT_QUERY. */
    importMode: z.enum(IMPORT_MODES, { error: `one of ${IMPORT_MODES.join(", ")}` }).default("DIRECT_QUERY"),
  })
  .refine((q) => !q.enabled || q.principalArn !== undefined, {
    error: "required when quicksight.enabled is true",
    path: ["principalArn"],
  });
export type QuickSightConfig = z.infer<typeof QuickSightConfigSchema>;
