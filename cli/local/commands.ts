import * as fs from "node:fs";
import { dataProductNames } from "../../runtime/schemas";
import { existingFile, integerOption, knownDomain, parseCommandLine, projectDirectories } from "../args";
import {
  DEFAULT_PORT_BASE,
  type Endpoints,
  runningSession,
  SessionBusyError,
  shellEnvironment,
} from "./emulators";
import type { ProductSpec } from "./model";
import type { InputRecord } from "./produce";
import type { Platform, ProductInput } from "./run";
import { UsageError } from "./errors";
import { checkStackFiles, localProjects } from "../stackFiles";
import type { LocalApi } from "./api";

export { UsageError };

/**
 * The modules that evaluate and run the platform (the evaluation harness, the emulators, the API
 * server, the AWS SDK): seconds to load, so loaded only once a command's arguments are checked.
 */
async function engine() {
  return {
    ...(await import("./run")),
    ...(await import("./model")),
    ...(await import("./produce")),
    ...(await import("./sample")),
    ...(await import("./api")),
  };
}

/*
 * `npm start`, `npm run local`, `npm run sample`, `npm run replay`: the local platform's commands.
 * Messages go to stderr; stdout carries only what a command produces (samples, the --json line,
 * the summary).
 */

const say = (line: string) => process.stderr.write(`${line}\n`);

const common = {
  "project-dir": { type: "string", multiple: true },
  "port-base": { type: "string" },
  help: { type: "boolean" },
} as const;

/** The options of the commands that work on one domain's data product. */
const productOptions = {
  ...common,
  domain: { type: "string" },
  product: { type: "string" },
} as const;

function portBase(v: string | undefined): number {
  if (v === undefined) return DEFAULT_PORT_BASE;
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65_530)
    throw new UsageError(`--port-base ${v}: 0 (any free port) or 1-65530 (four ports from there)`);
  return n;
}

/**
 * Checks made before the plan is evaluated (a minute or more): the domain and product names against
 * the data products the runtime knows, and no other local run holding the emulators.
 */
function checkDomain(domain: string | undefined, product: string | undefined): void {
  const names: readonly string[] = dataProductNames();
  if (domain !== undefined) knownDomain("domain", domain, names);
  if (product !== undefined && !names.includes(product))
    throw new UsageError(
      `--product ${JSON.stringify(product)}: no such data product (known: ${names.join(", ")})`,
    );
}

/** The stack files of the local run's projects: YAML errors stop, typos are warned about. */
function checkLocalStackFiles(dirs: readonly string[]): void {
  for (const warning of checkStackFiles("local", localProjects(dirs))) say(`warning: ${warning}`);
}

function checkNotRunning(): void {
  const live = runningSession();
  if (live) throw new SessionBusyError(live);
}

/** The products of one domain (project), optionally one product. */
export function selectProducts(
  all: readonly ProductSpec[],
  domain: string | undefined,
  product?: string,
): ProductSpec[] {
  const domains = [...new Set(all.map((p) => p.domain))];
  if (!domain) return [...all];
  const mine = all.filter((p) => p.domain === domain);
  if (mine.length === 0) {
    throw new UsageError(
      `--domain ${domain}: no data products there (domains with streaming pipelines: ${domains.join(", ") || "none"})`,
    );
  }
  if (!product) return mine;
  const one = mine.filter((p) => p.product === product);
  if (one.length === 0)
    throw new UsageError(`--product ${product}: ${domain} has ${mine.map((p) => p.product).join(", ")}`);
  return one;
}

function oneProduct(
  all: readonly ProductSpec[],
  domain: string | undefined,
  product: string | undefined,
): ProductSpec {
  if (!domain) throw new UsageError("--domain <project name> is required");
  const sel = selectProducts(all, domain, product);
  if (sel.length > 1) {
    throw new UsageError(
      `${domain} has several data products (${sel.map((p) => p.product).join(", ")}): add --product <name>`,
    );
  }
  return sel[0];
}

/** Prints endpoints, ready-to-paste settings and the API's curl examples, then waits for Ctrl-C. */
async function keepRunning(platform: Platform, api: LocalApi): Promise<void> {
  const e: Endpoints = platform.endpoints;
  const env = shellEnvironment(e);
  const [route] = Object.keys(api.routes);
  const lines = [
    "",
    "The local platform keeps running (Ctrl-C stops it). Endpoints:",
    `  Kinesis  ${e.kinesis}`,
    `  DynamoDB ${e.dynamodb}`,
    `  S3       ${e.s3}   (path-style, credentials S3RVER/S3RVER)`,
    `  Firehose ${e.firehose}`,
    "",
    "Shell (AWS CLI v2 and SDKs read these):",
    ...Object.entries(env).map(([k, v]) => `  export ${k}=${v}`),
    "",
    "Then, for example:",
    ...platform.products.flatMap((p) => [
      `  aws kinesis describe-stream-summary --stream-name ${p.stream.name}`,
      ...(p.table ? [`  aws dynamodb scan --table-name ${p.table} --max-items 3`] : []),
      ...(p.deliveryStream ? [`  aws s3 ls --recursive s3://${p.deliveryStream.bucket}/${p.product}/`] : []),
    ]),
    "",
    "SDK (JavaScript v3): clients read AWS_ENDPOINT_URL_<SERVICE> themselves. No variable sets path-style S3",
    "in v3: pass new S3Client({ forcePathStyle: true }). For Kinesis pass",
    "requestHandler: new NodeHttpHandler() (@smithy/node-http-handler; kinesalite speaks HTTP/1.1 only).",
    "",
    `API: ${api.url} (routes: ${Object.keys(api.routes).join(", ")}; see docs/api.md)`,
    ...(route ? (await import("./api")).curlExamples(api, route).map((l) => `  ${l}`) : []),
  ];
  process.stdout.write(lines.join("\n") + "\n");
  await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
}

async function withPlatform<T>(
  run: (platform: Platform) => Promise<T>,
  start: () => Promise<Platform>,
): Promise<T> {
  const platform = await start();
  let stopping: Promise<void> | undefined;
  const onSignal = () => {
    if (stopping) return;
    say("\nstopping the local platform...");
    stopping = platform.stop();
    stopping.then(
      () => process.exit(130),
      () => process.exit(130),
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await run(platform);
  } finally {
    if (stopping) await stopping.catch(() => undefined);
    else await platform.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

const START_USAGE = `usage: npm start -- [--count <records per product>] [--seed <n>] [--keep] [--port-base <n>|0] [--project-dir <dir>]...`;

/** `npm start`: plan + policies, emulators, data plane, functions, samples, summary. */
export async function start(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(
    {
      args: argv,
      options: { ...common, count: { type: "string" }, keep: { type: "boolean" }, seed: { type: "string" } },
    },
    START_USAGE,
  );
  if (values.help) {
    process.stdout.write(START_USAGE + "\n");
    return 0;
  }
  const count = integerOption("count", values.count, { min: 1, max: 1_000_000 }, 2000);
  const seed = integerOption("seed", values.seed, { min: 0 }, 1);
  const ports = portBase(values["port-base"]);
  const dirs = projectDirectories("project-dir", values["project-dir"]);
  checkLocalStackFiles(dirs);
  checkNotRunning();
  const t0 = Date.now();
  const {
    planAndGate,
    dataProducts,
    dataPlane,
    validSamples,
    malformedSamples,
    startLocalApi,
    exerciseLocalApi,
    runRecords,
    formatSummary,
    startPlatform,
  } = await engine();
  const plans = await planAndGate(localProjects(dirs), say);
  const products = dataProducts(dataPlane(plans));
  if (products.length === 0) {
    say(
      "no streaming data products in the plan: nothing to run (the domains under stacks/ declare them).\n" +
        "Add a domain under stacks/ (see stacks/orders) to see the local run.",
    );
    return 0;
  }
  return withPlatform(
    async (platform) => {
      const inputs: ProductInput[] = products.map((spec) => {
        const valid = validSamples(spec.product, count, seed).map((s) => Buffer.from(s));
        const bad = malformedSamples(spec.product, seed);
        const records: InputRecord[] = [
          ...valid.map((data, i) => ({ line: i + 1, data, kind: "valid" })),
          ...bad.map((b, i) => ({ line: valid.length + i + 1, data: b.data, kind: b.kind })),
        ];
        return { spec, records };
      });
      say(
        `producing ${count.toLocaleString("en-US")} valid + ${inputs[0].records.length - count} malformed records per data product (${products.map((p) => `${p.domain}/${p.product}`).join(", ")})`,
      );
      // The ingestion/serving API (runtime/api) on the same emulators: events in, items back out.
      const api = await startLocalApi(platform.products, platform.clients);
      try {
        let apiOk = true;
        for (const route of Object.keys(api.routes)) {
          const r = await exerciseLocalApi(api, route, () => platform.drain());
          apiOk &&= r.readBack === r.accepted && r.accepted > 0 && r.rejected === 1;
          say(
            `API ${route}: ${r.accepted} accepted, ${r.rejected} rejected (HTTP ${r.status}), ${r.readBack} read back`,
          );
        }
        const summaries = await runRecords(platform, inputs, say, { keep: values.keep });
        process.stdout.write("\n" + summaries.map((s) => formatSummary(s)).join("\n\n") + "\n");
        const lost = summaries.reduce((n, s) => n + s.lost, 0);
        const altered = summaries.reduce((n, s) => n + s.altered, 0);
        process.stdout.write(
          `\n${lost === 0 ? "nothing lost" : `${lost} RECORDS LOST`}${altered === 0 ? ", nothing altered" : `, ${altered} RECORDS ALTERED`} — whole run ${((Date.now() - t0) / 1000).toFixed(1)} s (dead letters and window items stay in the emulators' data under .state/local)\n`,
        );
        if (values.keep) await keepRunning(platform, api);
        else {
          process.stdout.write(
            `\nThe API (routes: ${Object.keys(api.routes).join(", ")}) and the emulators stopped with the run. ` +
              "To keep them running, with the endpoints, exports and curl examples: npm start -- --keep\n",
          );
        }
        return lost === 0 && altered === 0 && apiOk ? 0 : 1;
      } finally {
        await api.stop();
      }
    },
    () => startPlatform({ plans, portBase: ports, fresh: true, say }),
  );
}

const LOCAL_USAGE = `usage: npm run local -- --domain <d> [--product <p>] --file <records.ndjson> [--json] [--port-base <n>|0]`;

/** `npm run local`: exactly the lines of a file through the local platform. */
export async function local(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(
    {
      args: argv,
      options: {
        ...productOptions,
        file: { type: "string" },
        json: { type: "boolean" },
      },
    },
    LOCAL_USAGE,
  );
  if (values.help) {
    process.stdout.write(LOCAL_USAGE + "\n");
    return 0;
  }
  if (!values.domain) throw new UsageError(`--domain <d> is required\n${LOCAL_USAGE}`);
  if (!values.file) throw new UsageError(`--file is required\n${LOCAL_USAGE}`);
  const file = existingFile("file", values.file);
  checkDomain(values.domain, values.product);
  const ports = portBase(values["port-base"]);
  const dirs = projectDirectories("project-dir", values["project-dir"]);
  checkLocalStackFiles(dirs);
  checkNotRunning();
  const { splitLines, planAndGate, dataProducts, dataPlane, runRecords, formatSummary, startPlatform } =
    await engine();
  const records = splitLines(fs.readFileSync(file));
  const plans = await planAndGate(localProjects(dirs), say);
  const spec = oneProduct(dataProducts(dataPlane(plans)), values.domain, values.product);
  return withPlatform(
    async (platform) => {
      const [s] = await runRecords(platform, [{ spec, records }], say, { quiet: values.json });
      process.stdout.write(formatSummary(s, { perLine: true }) + "\n");
      if (values.json) {
        process.stdout.write(
          JSON.stringify({
            domain: s.domain,
            product: s.product,
            lines: records.length,
            ingested: s.ingested,
            stored: s.stored,
            deliveredToLake: s.deliveredToLake,
            deadLettered: s.deadLettered,
            discarded: s.discarded,
            refused: s.refused.length,
            lost: s.lost,
            altered: s.altered,
            deadLetterReasons: s.deadLetterReasons,
            refusedLines: s.refused,
            lostLines: s.lostLines,
            alteredLines: s.alteredLines,
          }) + "\n",
        );
      }
      return s.lost === 0 && s.altered === 0 ? 0 : 1;
    },
    () => startPlatform({ plans, portBase: ports, fresh: true, say }),
  );
}

const SAMPLE_USAGE = `usage: npm run sample -- --domain <d> [--product <p>] [--count <n>] [--seed <n>]`;

/** `npm run sample`: valid records, one JSON per line. */
export async function sample(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(
    {
      args: argv,
      options: {
        ...productOptions,
        count: { type: "string" },
        seed: { type: "string" },
      },
    },
    SAMPLE_USAGE,
  );
  const count = Number(values.count ?? 10);
  if (!Number.isInteger(count) || count < 1)
    throw new UsageError(`--count ${values.count}: a positive integer`);
  // The domains are found on disk (stacks/<name>/schema.ts): no plan is evaluated for samples.
  const { sampleProduct, validSamples } = await import("./sample");
  const product = sampleProduct(values.domain, values.product);
  process.stdout.write(validSamples(product, count, Number(values.seed ?? 1)).join("\n") + "\n");
  return 0;
}

async function countItems(platform: Platform, table: string): Promise<number> {
  const { ScanCommand } = await import("@aws-sdk/client-dynamodb");
  let count = 0;
  let start: Record<string, import("@aws-sdk/client-dynamodb").AttributeValue> | undefined;
  do {
    const res = await platform.clients.dynamodb.send(
      new ScanCommand({ TableName: table, Select: "COUNT", ExclusiveStartKey: start }),
    );
    count += res.Count ?? 0;
    start = res.LastEvaluatedKey;
  } while (start);
  return count;
}

const REPLAY_USAGE = `usage: npm run replay -- --domain <d> [--product <p>] --from <ISO time | TRIM_HORIZON>
    locally: the local platform's streams (.state/local) through the current processors
  npm run replay -- --env <dev|prod> --from <ISO time | TRIM_HORIZON> (--domain <d> [--stack <org/project/env>] | --outputs <file.json> | --stream <name> --function <name>)
      [--batch-size <n>] [--max-retries <n>] [--out <dir>] [--yes]
    against AWS (credentials from the SDK's default chain): the deployed stream through the deployed processor;
    names from \`pulumi stack output --json\` of the domain's stack, an outputs file, or the flags; prod asks first unless --yes`;

/** `npm run replay`: reprocess a stream from a point in time through the current processor. */
export async function replay(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(
    {
      args: argv,
      options: {
        ...productOptions,
        from: { type: "string" },
        // Against AWS (--env dev|prod): see cli/replay/command.ts.
        env: { type: "string" },
        stack: { type: "string" },
        stream: { type: "string" },
        function: { type: "string" },
        outputs: { type: "string" },
        "batch-size": { type: "string" },
        "max-retries": { type: "string" },
        out: { type: "string" },
        yes: { type: "boolean" },
      },
    },
    REPLAY_USAGE,
  );
  if (values.help) {
    process.stdout.write(REPLAY_USAGE + "\n");
    return 0;
  }
  if (!values.from) throw new UsageError(`--from <ISO time | TRIM_HORIZON> is required\n${REPLAY_USAGE}`);
  const startAt =
    values.from === "TRIM_HORIZON"
      ? ({ type: "TRIM_HORIZON" } as const)
      : (() => {
          const at = new Date(values.from!);
          if (Number.isNaN(at.getTime()))
            throw new UsageError(`--from ${values.from}: an ISO time (2026-11-27T15:00:00Z) or TRIM_HORIZON`);
          return { type: "AT_TIMESTAMP" as const, at };
        })();
  checkDomain(values.domain, values.product);
  if (values.env && values.env !== "local") {
    if (!["dev", "prod"].includes(values.env))
      throw new UsageError(`--env ${values.env}: dev or prod (or local)`);
    const { replayAgainstAws } = await import("../replay/command");
    return replayAgainstAws(
      {
        ...values,
        env: values.env,
        from: startAt,
        fromText: values.from,
        batchSize: values["batch-size"],
        maxRetries: values["max-retries"],
      },
      say,
    );
  }
  const ports = portBase(values["port-base"]);
  const dirs = projectDirectories("project-dir", values["project-dir"]);
  checkLocalStackFiles(dirs);
  const live = runningSession();
  if (live) {
    throw new UsageError(
      `a local platform is running (pid ${live.pid}): stop it first (Ctrl-C); replay reprocesses its data from .state/local on its own emulators`,
    );
  }
  const { planAndGate, dataProducts, dataPlane, startPlatform } = await engine();
  const plans = await planAndGate(localProjects(dirs), say);
  const selected = selectProducts(dataProducts(dataPlane(plans)), values.domain, values.product);
  return withPlatform(
    async (platform) => {
      const t = Date.now();
      await platform.drain();
      await platform.quiesce();
      const processors = platform.mappings.filter((m) => m.spec.tumblingWindowSeconds === undefined);
      const reprocessed = processors.reduce(
        (n, m) => n + m.pollers.reduce((k, p) => k + p.stats.delivered + p.stats.discarded, 0),
        0,
      );
      say(
        `replayed ${reprocessed.toLocaleString("en-US")} records (${selected.map((p) => `${p.domain}/${p.product}`).join(", ")}) from ${values.from} ` +
          `through the current processors in ${((Date.now() - t) / 1000).toFixed(1)} s (window aggregates recomputed too)`,
      );
      for (const p of platform.products.filter((x) =>
        selected.some((s) => s.product === x.product && s.domain === x.domain),
      )) {
        if (!p.table) continue;
        const items = await countItems(platform, p.table);
        say(
          `  ${p.product}: serving table ${p.table} holds ${items.toLocaleString("en-US")} items — writes are idempotent (keyed by event or versioned), so a replay converges to the same state`,
        );
      }
      return 0;
    },
    () =>
      startPlatform({
        plans,
        portBase: ports,
        fresh: false,
        startAt,
        only: (p) => selected.some((s) => s.domain === p.domain && s.product === p.product),
        say,
      }),
  );
}
