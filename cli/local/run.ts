import * as os from "node:os";
import * as path from "node:path";
import { evaluateProjects, type ProjectPlan } from "../../harness/evaluate";
import type { ProjectInfo } from "../../harness/projects";
import { applyDataPlane, type Clients, clientsFor, s3Sink } from "./apply";
import {
  clearSession,
  clientEnvironment,
  type Endpoints,
  prepareState,
  REGION,
  startEmulators,
  STATE_DIR,
  writeSession,
} from "./emulators";
import { DeliveryStreams, startFirehoseServer } from "./firehose";
import { LocalFunction, writePackages } from "./functions";
import { checkPlans } from "./gate";
import { LocalMapping, type StartAt } from "./mappings";
import { checkWiring, dataPlane, dataProducts, type ProductSpec } from "./model";
import { type InputRecord, produce, type RefusedRecord, type SentRecord } from "./produce";
import { progressBar } from "./progress";
import { formatSummary, type ProductSummary, summarize } from "./summary";

/** Stack every project is evaluated for. */
export const LOCAL_STACK = "local";

export { localProjects } from "../stackFiles";

export interface Say {
  (line: string): void;
}

/** Evaluates the projects for `local` and runs the policy gate; throws when a mandatory policy fails. */
export async function planAndGate(projects: ProjectInfo[], say: Say): Promise<ProjectPlan[]> {
  const t = Date.now();
  say(
    `evaluating ${projects.length} project${projects.length > 1 ? "s" : ""} offline for the "${LOCAL_STACK}" stack (${projects.map((p) => p.name).join(", ")})...`,
  );
  const plans = await evaluateProjects({ stack: LOCAL_STACK, projects });
  say(`plan ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const gate = await checkPlans(plans);
  if (gate.mandatory.length) {
    throw new Error(
      `the policy pack refused the plan (${gate.mandatory.length} mandatory violation${gate.mandatory.length > 1 ? "s" : ""}):\n` +
        gate.mandatory.map((m) => `  - ${m}`).join("\n") +
        "\nfix them and run again",
    );
  }
  say(
    `policy pack: no mandatory violations (${gate.advisory.length} advisory; \`npm run plan -- --env local --check\` lists them)`,
  );
  return plans;
}

/** A running local platform. */
export interface Platform {
  readonly endpoints: Endpoints;
  readonly clients: Clients;
  readonly products: ProductSpec[];
  readonly mappings: LocalMapping[];
  readonly deliveries: DeliveryStreams;
  /** Waits until every mapping has processed everything put so far. */
  drain(timeoutMs?: number): Promise<void>;
  /** Stops the pollers (open windows end early), flushes Firehose. */
  quiesce(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly plans: ProjectPlan[];
  readonly portBase: number;
  readonly fresh: boolean;
  readonly startAt?: StartAt;
  /** Only run the mappings of these products (replay). */
  readonly only?: (p: ProductSpec) => boolean;
  readonly say: Say;
}

/** Starts emulators, applies the data plane, writes the functions and starts the event source pollers. */
export async function startPlatform(opts: StartOptions): Promise<Platform> {
  const say = opts.say;
  const plane = dataPlane(opts.plans);
  const products = dataProducts(plane);
  for (const p of checkWiring(plane)) say(`  warning: ${p} — it will fail locally as it would in AWS`);
  prepareState(opts.fresh, say);
  const emulators = await startEmulators(opts.portBase);
  const clients = clientsFor(emulators.endpoints);
  const sink = s3Sink(clients.s3);
  const deliveries = new DeliveryStreams(plane.deliveries, sink);
  let firehose: Awaited<ReturnType<typeof startFirehoseServer>>;
  try {
    firehose = await startFirehoseServer(deliveries, { port: emulators.firehosePort });
  } catch (err) {
    await emulators.stop();
    throw (err as NodeJS.ErrnoException).code === "EADDRINUSE"
      ? new Error(
          `port ${emulators.firehosePort} (Firehose) is in use: pick other ports with --port-base <n> (0 = any free)`,
        )
      : err;
  }
  const endpoints: Endpoints = { ...emulators.endpoints, firehose: firehose.endpoint };
  writeSession(endpoints);
  const functions: LocalFunction[] = [];
  const mappings: LocalMapping[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      try {
        await Promise.all(mappings.map((m) => m.stop()));
        await Promise.all(functions.map((f) => f.stop()));
        await deliveries.settled();
      } finally {
        await firehose.close();
        clients.destroy();
        await emulators.stop();
        clearSession();
      }
    })());
  try {
    await applyDataPlane(clients, plane, say);
    const { runtimeModules } = writePackages(plane.functions, STATE_DIR);
    const env = {
      ...clientEnvironment(endpoints),
      NODE_PATH: runtimeModules,
      AWS_REGION: REGION,
    };
    const streamShards = new Map(plane.streams.map((s) => [s.name, s.shards]));
    const byName = new Map<string, LocalFunction>();
    const wanted = products.filter((p) => !opts.only || opts.only(p));
    for (const m of plane.mappings) {
      const spec = plane.functions.find((f) => f.name === m.functionName);
      if (!spec) continue;
      const product = wanted.find(
        (p) => p.processor.name === spec.name || p.aggregator?.fn.name === spec.name,
      );
      if (opts.only && !product) continue;
      let fn = byName.get(spec.name);
      if (!fn) {
        // One container per concurrent batch (shards × parallelization factor), at most the CPU count.
        const batches = (streamShards.get(m.streamName) ?? 1) * m.parallelizationFactor;
        const concurrency = Math.max(1, Math.min(batches, os.cpus().length));
        fn = new LocalFunction(
          spec,
          path.join(STATE_DIR, "functions", spec.name),
          env,
          concurrency,
          path.join(STATE_DIR, "logs", `${spec.name}.log`),
        );
        byName.set(spec.name, fn);
        functions.push(fn);
      }
      const mapping = new LocalMapping(m, fn);
      await mapping.start(clients.kinesis, sink.put, opts.startAt, (line) => say(`  ${line}`));
      mappings.push(mapping);
    }
    say(
      `running ${functions.length} functions behind ${mappings.length} event source mappings (logs in ${path.relative(process.cwd(), path.join(STATE_DIR, "logs")) || "."})`,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    endpoints,
    clients,
    products,
    mappings,
    deliveries,
    drain: async (timeoutMs = 180_000) => {
      const deadline = Date.now() + timeoutMs;
      let quietSince: number | undefined;
      for (;;) {
        const broken = functions.find((f) => f.initError);
        if (broken) {
          throw new Error(
            `function ${broken.spec.name} (${broken.spec.urn}) fails to initialize: ${broken.initError}\n` +
              `its output is in ${path.join(STATE_DIR, "logs", `${broken.spec.name}.log`)}`,
          );
        }
        const idle = mappings.every((m) => m.idle);
        if (idle) {
          quietSince ??= Date.now();
          if (Date.now() - quietSince > 600) return;
        } else quietSince = undefined;
        if (Date.now() > deadline)
          throw new Error(
            `records still in flight after ${timeoutMs / 1000} s: see the function logs under ${path.join(STATE_DIR, "logs")}`,
          );
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    quiesce: async () => {
      await Promise.all(mappings.map((m) => m.stop()));
      await deliveries.flush();
    },
    stop,
  };
}

/** Input of one data product for a run. */
export interface ProductInput {
  readonly spec: ProductSpec;
  readonly records: InputRecord[];
}

/** Puts every product's records (with a progress bar), waits until all is processed, and summarizes. */
export async function runRecords(
  platform: Platform,
  inputs: readonly ProductInput[],
  say: Say,
  options: { keep?: boolean; quiet?: boolean } = {},
): Promise<ProductSummary[]> {
  const started = Date.now();
  const total = inputs.reduce((n, i) => n + i.records.length, 0);
  const bar = options.quiet ? undefined : progressBar("producing");
  let done = 0;
  const results: { spec: ProductSpec; sent: SentRecord[]; refused: RefusedRecord[] }[] = [];
  for (const input of inputs) {
    const before = done;
    const out = await produce(platform.clients.kinesis, input.spec.stream.name, input.records, (d) => {
      done = before + d;
      bar?.update(done, total);
    });
    results.push({ spec: input.spec, ...out });
  }
  say(
    `produced ${total.toLocaleString("en-US")} records in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting until every record is processed...`,
  );
  await platform.drain();
  const seconds = (Date.now() - started) / 1000;
  if (options.keep) await platform.deliveries.flush();
  else await platform.quiesce();
  const summaries: ProductSummary[] = [];
  for (const r of results)
    summaries.push(await summarize(platform.clients, r.spec, r.sent, r.refused, seconds));
  return summaries;
}

export { formatSummary };
