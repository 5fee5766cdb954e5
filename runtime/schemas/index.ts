import { UnknownDataProductError } from "../errors";
import { defineClickstream } from "./clickstream";
import { defineOrders } from "./orders";
import type { DataProduct } from "./types";

/**
 * The data products the runtime knows, by name. Values are builders, not schemas: a compiled zod
 * schema cannot be captured by an inline Lambda closure, so each container builds its own once.
 */
export const DATA_PRODUCTS = {
  clickstream: defineClickstream,
  orders: defineOrders,
} as const;

export type DataProductName = keyof typeof DATA_PRODUCTS;

/** Names of every registered data product. */
export function dataProductNames(): DataProductName[] {
  return Object.keys(DATA_PRODUCTS) as DataProductName[];
}

/**
 * Builds the data product registered under `name` (schema compiled once per call).
 *
 * @example
 * const orders = buildDataProduct("orders");
 */
export function buildDataProduct(name: string): DataProduct<unknown> {
  if (!Object.prototype.hasOwnProperty.call(DATA_PRODUCTS, name)) {
    throw new UnknownDataProductError(name, dataProductNames());
  }
  return (DATA_PRODUCTS[name as DataProductName] as () => DataProduct<unknown>)();
}

export * from "./types";
export { canonicalTime } from "./time";
export { defineClickstream, clickstreamSchema, CLICKSTREAM_EVENT_TYPES } from "./clickstream";
export type { ClickstreamEvent } from "./clickstream";
export { defineOrders, ordersSchema, ORDER_STATUSES } from "./orders";
export type { OrderEvent } from "./orders";
