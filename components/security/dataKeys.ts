import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DATA_CLASSES, type DataClass } from "../../contracts/platform";
import { DataKey } from "./dataKey";

export interface DataKeysArgs {
  /** Aliases are `alias/<aliasPrefix>/<data class>`. Default: the component name. */
  readonly aliasPrefix?: string;
  /** Days between scheduling deletion and deletion (7-30). Default 30. */
  readonly deletionWindowInDays?: number;
  /** Multi-region keys with replicas in the DR region. Default false. */
  readonly multiRegion?: boolean;
  /** Provider of the DR region; required when `multiRegion` is true. */
  readonly drProvider?: aws.Provider;
}

/** One `DataKey` per data class (lake, streaming, warehouse, ml, logs, secrets). */
export class DataKeys extends pulumi.ComponentResource {
  readonly keys: Record<DataClass, DataKey>;
  readonly arns: Record<DataClass, pulumi.Output<string>>;
  /** Replica ARNs in the DR region; undefined unless the keys are multi-region. */
  readonly replicaArns?: Record<DataClass, pulumi.Output<string>>;

  constructor(name: string, args: DataKeysArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super("dataplatform:security:DataKeys", name, {}, opts);
    const prefix = args.aliasPrefix ?? name;
    const entries = <T>(f: (c: DataClass) => T) =>
      Object.fromEntries(DATA_CLASSES.map((c) => [c, f(c)])) as Record<DataClass, T>;

    this.keys = entries(
      (dataClass) =>
        new DataKey(
          `${name}-${dataClass}`,
          {
            dataClass,
            aliasName: `alias/${prefix}/${dataClass}`,
            deletionWindowInDays: args.deletionWindowInDays,
            multiRegion: args.multiRegion,
            drProvider: args.drProvider,
          },
          { parent: this },
        ),
    );
    this.arns = entries((c) => this.keys[c].arn);
    if (args.multiRegion) this.replicaArns = entries((c) => this.keys[c].replicaArn!);

    this.registerOutputs({ arns: this.arns, replicaArns: this.replicaArns });
  }
}
