import type { AddressInfo } from "node:net";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { jwtAuthorizer } from "../../runtime/api/auth";
import { API_DEFAULTS, type DomainRoute } from "../../runtime/api/config";
import { startLocalIssuer, type LocalIssuer } from "../../runtime/api/localIssuer";
import { itemsPort } from "../../runtime/api/ports";
import { kinesisPort } from "../../runtime/api/putRecords";
import { buildApiServer } from "../../runtime/api/server";
import { buildDataProduct } from "../../runtime/schemas";
import { validSamples } from "./sample";

/** What the local API needs of a data product of the local plan. */
export interface LocalApiProduct {
  readonly domain: string;
  readonly product: string;
  readonly stream: { readonly name: string };
  readonly table?: string;
}

/** The API running in-process against the emulators, with a local token issuer. */
export interface LocalApi {
  readonly url: string;
  readonly issuer: LocalIssuer;
  /** Route name (`{domain}` in the URL) -> data product. */
  readonly routes: Readonly<Record<string, DomainRoute>>;
  /** A token with every scope of every route, valid for 12 hours. */
  readonly token: string;
  stop(): Promise<void>;
}

/**
 * The routes of the local API: one per data product that has a serving table, named after its
 * domain (or `<domain>-<product>` when a domain has several).
 */
export function localRoutes(products: readonly LocalApiProduct[]): Record<string, DomainRoute> {
  const perDomain = new Map<string, number>();
  for (const p of products) perDomain.set(p.domain, (perDomain.get(p.domain) ?? 0) + 1);
  const routes: Record<string, DomainRoute> = {};
  for (const p of products) {
    if (!p.table) continue;
    const name = perDomain.get(p.domain) === 1 ? p.domain : `${p.domain}-${p.product}`;
    routes[name] = { dataProduct: p.product, streamName: p.stream.name, tableName: p.table };
  }
  return routes;
}

/**
 * Starts the ingestion/serving API on loopback against the local platform's emulators, with a
 * local JWKS issuer so requests carry real tokens (the service code is the one that runs on ECS).
 *
 * @example
 * const api = await startLocalApi(platform.products, platform.clients);
 * console.log(api.url, api.token);
 */
export async function startLocalApi(
  products: readonly LocalApiProduct[],
  clients: { readonly kinesis: KinesisClient; readonly dynamodb: DynamoDBClient },
  options: { port?: number; logStream?: { write(line: string): void } } = {},
): Promise<LocalApi> {
  const routes = localRoutes(products);
  const issuer = await startLocalIssuer();
  const app = buildApiServer({
    config: {
      domains: routes,
      maxBodyBytes: API_DEFAULTS.maxBodyBytes,
      maxEventsPerRequest: API_DEFAULTS.maxEventsPerRequest,
      ingestBudgetMs: API_DEFAULTS.ingestBudgetMs,
      logLevel: options.logStream ? "info" : "silent",
    },
    authorizer: jwtAuthorizer({ issuer: issuer.issuer, audience: issuer.audience, jwksUrl: issuer.jwksUrl }),
    kinesis: kinesisPort(clients.kinesis),
    items: itemsPort(clients.dynamodb),
    writeMetrics: () => undefined,
    logStream: options.logStream,
  });
  try {
    await app.listen({ port: options.port ?? 0, host: "127.0.0.1" });
  } catch (err) {
    await issuer.stop();
    throw err;
  }
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const token = await issuer.token({ domains: Object.keys(routes), expiresIn: "12h" });
  return {
    url,
    issuer,
    routes,
    token,
    stop: async () => {
      await app.close();
      await issuer.stop();
    },
  };
}

/** Ready-to-paste commands for one route: ingest a sample event, then read it back. */
export function curlExamples(api: LocalApi, route: string): string[] {
  const r = api.routes[route];
  const product = buildDataProduct(r.dataProduct);
  const [sample] = validSamples(r.dataProduct, 1, 4242);
  const item = product.toItem(product.schema.parse(JSON.parse(sample)));
  const key = encodeURIComponent(String(item[product.tableKey.hashKey]));
  const auth = `-H "authorization: Bearer $API_TOKEN"`;
  return [
    `export API_TOKEN=${api.token}`,
    `curl -s ${auth} -H 'content-type: application/json' -d '${sample.replace(/'/g, "'\\''")}' ${api.url}/v1/${route}/events`,
    `curl -s ${auth} ${api.url}/v1/${route}/items/${key}`,
  ];
}

/**
 * Sends `count` sample events (plus one invalid) through the API, waits for the stream
 * processors, and reads every valid event back through the API. Returns the counts.
 */
export async function exerciseLocalApi(
  api: LocalApi,
  route: string,
  drain: () => Promise<void>,
  count = 5,
): Promise<{ accepted: number; rejected: number; readBack: number; status: number }> {
  const r = api.routes[route];
  const product = buildDataProduct(r.dataProduct);
  const events = validSamples(r.dataProduct, count, 9090).map(
    (s) => JSON.parse(s) as Record<string, unknown>,
  );
  const headers = { authorization: `Bearer ${api.token}`, "content-type": "application/json" };
  const res = await fetch(`${api.url}/v1/${route}/events`, {
    method: "POST",
    headers,
    body: JSON.stringify([...events, { invalid: true }]),
  });
  const body = (await res.json()) as { accepted: number; rejected: number };
  await drain();
  let readBack = 0;
  for (const e of events) {
    const item = product.toItem(product.schema.parse(e));
    const hash = encodeURIComponent(String(item[product.tableKey.hashKey]));
    const range = product.tableKey.rangeKey
      ? `?sortKey=${encodeURIComponent(String(item[product.tableKey.rangeKey]))}`
      : "";
    const got = await fetch(`${api.url}/v1/${route}/items/${hash}${range}`, { headers });
    if (got.status !== 200) continue;
    // The stored item is this event's or (latest-state products) a newer one of the same entity;
    // an item left by an earlier run is older and does not count.
    const stored = ((await got.json()) as { item: { occurredAt?: string } }).item;
    if (String(stored.occurredAt) >= String(e.occurredAt)) readBack++;
  }
  return { accepted: body.accepted, rejected: body.rejected, readBack, status: res.status };
}
