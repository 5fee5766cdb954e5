import { UnknownDataProductError } from "../errors";
import { discoverDomains } from "./discovery";
import type { DataProduct } from "./types";

/**
 * Builds a data product. A builder, not a schema: a compiled zod schema cannot be captured by an
 * inline Lambda closure, so each container builds its own once.
 */
export type DataProductBuilder = () => DataProduct<unknown>;

/** A data product name: the name of a domain folder under `stacks/` (see `discoverDomains`). */
export type DataProductName = string;

let registered: Readonly<Record<string, DataProductBuilder>> | undefined;

/**
 * Sets the data products the runtime knows, replacing discovery. The Lambda bundle calls this
 * once at load with the schemas of every domain compiled in (see `runtime/lambda/packaging.ts`):
 * inside Lambda there is no `stacks/` folder to discover.
 */
export function registerDataProducts(builders: Readonly<Record<string, DataProductBuilder>>): void {
  registered = Object.freeze({ ...builders });
}

/** What a domain's `schema.ts` exports. */
interface SchemaModule {
  readonly defineDataProduct?: unknown;
}

/**
 * The domains' builders, discovered from `stacks/<name>/schema.ts` (each exports
 * `defineDataProduct`) on first use, unless the bundle registered them.
 */
function registry(): Readonly<Record<string, DataProductBuilder>> {
  if (registered) return registered;
  const found: Record<string, DataProductBuilder> = {};
  for (const domain of discoverDomains()) {
    // A computed path: loaded by the program's own loader (tsx, ts-node under `pulumi`, ts-jest).
    const mod = require(domain.schemaFile) as SchemaModule;
    if (typeof mod.defineDataProduct !== "function") {
      throw new Error(
        `${domain.schemaFile}: exports no function defineDataProduct(): DataProduct (see runtime/schemas/types.ts)`,
      );
    }
    found[domain.name] = mod.defineDataProduct as DataProductBuilder;
  }
  registered = Object.freeze(found);
  return registered;
}

/** The data products the runtime knows, by name: one per domain folder under `stacks/`. */
export function dataProducts(): Readonly<Record<string, DataProductBuilder>> {
  return registry();
}

/** Names of every data product, sorted. */
export function dataProductNames(): DataProductName[] {
  return Object.keys(registry()).sort();
}

/**
 * Builds the data product registered under `name` (schema compiled once per call).
 *
 * @example
 * const orders = buildDataProduct("orders");
 */
export function buildDataProduct(name: string): DataProduct<unknown> {
  const builders = registry();
  if (!Object.prototype.hasOwnProperty.call(builders, name)) {
    throw new UnknownDataProductError(name, dataProductNames());
  }
  const product = builders[name]();
  if (product.name !== name) {
    throw new Error(`data product "${name}": its defineDataProduct() returns name "${product.name}"`);
  }
  return product;
}

export * from "./types";
export { canonicalTime } from "./time";
export { discoverDomains, domainNames, DOMAIN_FILES } from "./discovery";
export type { DomainFolder } from "./discovery";
// The two example domains' schemas, for the runtime's tests and benches (which exercise the
// processor on realistic products). Other domains are reached by name through the registry.
export {
  defineClickstream,
  clickstreamSchema,
  CLICKSTREAM_EVENT_TYPES,
} from "../../stacks/clickstream/schema";
export type { ClickstreamEvent } from "../../stacks/clickstream/schema";
export { defineOrders, ordersSchema, ORDER_STATUSES } from "../../stacks/orders/schema";
export type { OrderEvent } from "../../stacks/orders/schema";
