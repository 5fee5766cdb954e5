/**
 * Child-process entry point of the offline evaluation: loads one Pulumi program the way the CLI's
 * Node.js language host does (the SDK's own `cmd/run/run.js` `run()`, which registers its ts-node with
 * the project's tsconfig and requires the entry point), in preview mode, against a mock resource
 * monitor that records every registration; sends back the steps of a `pulumi preview --json`
 * document. One process per project keeps the Pulumi runtime's global state (stack, config,
 * registered resources) from leaking between projects.
 *
 * This file runs as plain JavaScript (see `compiledWorker` in loader.ts): the parent gives the process
 * the environment, node arguments and working directory the language host would (`languageHostEnv`).
 */
import Module from "node:module";
import { MissingStackError, mockCall, mockResourceState, type ProviderRegions } from "./mocks";
import { plainValue, type PlanStep, STACK_REFERENCE_TYPE, STACK_TYPE } from "./plan";
import { type EvaluateRequest, type EvaluateResult, referenceKey } from "./protocol";

type Struct = { toJavaScript(): Record<string, unknown> };
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getCustom(): boolean;
  getObject(): Struct | undefined;
  getProperties?(): Struct | undefined;
  getDependenciesList?(): string[];
  getPropertydependenciesMap?(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
  getProtect?(): boolean;
  getRetainondelete?(): boolean;
  getAliasesList?(): AliasMessage[];
  getId?(): string;
}
interface AliasMessage {
  getUrn(): string;
  hasSpec(): boolean;
  getSpec():
    | {
        getName(): string;
        getType(): string;
        getStack(): string;
        getProject(): string;
        getParenturn(): string;
        getNoparent(): boolean;
      }
    | undefined;
}
type Callback = (err: unknown, resp: { getUrn(): string; getId?(): string } | undefined) => void;

function urnOf(ref: string): string {
  const i = ref.lastIndexOf("::");
  return i > 0 ? ref.slice(0, i) : ref;
}

export async function evaluate(req: EvaluateRequest): Promise<EvaluateResult> {
  const started = Date.now();
  if (process.cwd() !== req.projectDir) process.chdir(req.projectDir);

  // Loaded only now, after the environment the runtime reads is in place.
  const { MockMonitor } = await import("@pulumi/pulumi/runtime/mocks");
  // `cmd/run/index.js` parses the language host's flags, installs its exit-code handlers and the v8
  // hooks the closure serializer needs, then calls `run.js` `run()`. Its flag parsing insists on a
  // gRPC monitor address, so the worker plays that part: the v8 hooks here, the mock monitor below,
  // and index.js stands in the module cache with the one constant run.js reads from it.
  const indexJs = require.resolve("@pulumi/pulumi/cmd/run");
  const stand = new Module(indexJs);
  stand.filename = indexJs;
  stand.loaded = true;
  stand.exports = { nodeJSProcessExitedAfterLoggingUserActionableMessage: 32 };
  require.cache[indexJs] = stand;
  await (
    require("@pulumi/pulumi/runtime/closure/v8Hooks") as { isInitializedAsync(): Promise<void> }
  ).isInitializedAsync();
  // The CLI's program loader: TypeScript registration, entry-point resolution, runInPulumiStack.
  const cmdRun = require("@pulumi/pulumi/cmd/run/run") as {
    run(
      argv: { _: string[]; pwd?: string },
      programStarted: () => void,
      reportLoggedError: (err: Error) => void,
      isErrorReported: (err: Error) => boolean,
    ): Promise<unknown>;
  };
  // Internal modules (not in the public typings): the same entry points `setMocks` uses.
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    setMockOptions(monitor: unknown, project: string, stack: string, preview: boolean, org: string): void;
    waitForRPCs(): Promise<void>;
  };
  const { getStore } = require("@pulumi/pulumi/runtime/state") as { getStore(): Record<string, unknown> };

  const steps = new Map<string, PlanStep>();
  const order: string[] = [];
  const outputs = new Map<string, Record<string, unknown>>();
  const providerRegion = new Map<string, string>();
  const defaultProviders = new Map<string, string>();
  const needs = new Set<string>();
  // A program that reads a stack not evaluated yet is re-run once it is: stop at the first such read
  // rather than wait for a program whose inputs will never resolve.
  let signalNeeds: () => void = () => undefined;
  const needsSignal = new Promise<"needs">((resolve) => (signalNeeds = () => resolve("needs")));
  const errors: string[] = [];
  const configRegion = req.config["aws:region"] ?? "us-east-1";

  const regions: ProviderRegions = {
    regionOf: (ref) => (ref ? (providerRegion.get(urnOf(ref)) ?? configRegion) : configRegion),
  };

  const urnFor = (parent: string, type: string, name: string): string => {
    let qualified = type;
    if (parent) {
      const parentType = parent.split("::")[2];
      if (parentType !== STACK_TYPE) qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${req.stack}::${req.project}::${qualified}::${name}`;
  };

  /** The engine registers default providers; under mocks nobody does, so the plan adds them as a preview would. */
  const defaultProviderFor = (type: string): string => {
    const pkg = type.split(":")[0];
    let ref = defaultProviders.get(pkg);
    if (!ref) {
      const urn = `urn:pulumi:${req.stack}::${req.project}::pulumi:providers:${pkg}::default`;
      ref = `${urn}::00000000-0000-0000-0000-000000000000`;
      defaultProviders.set(pkg, ref);
      const inputs: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(req.config)) {
        if (!k.startsWith(`${pkg}:`)) continue;
        try {
          inputs[k.slice(pkg.length + 1)] = JSON.parse(v);
        } catch {
          inputs[k.slice(pkg.length + 1)] = v;
        }
      }
      steps.set(urn, {
        op: "create",
        urn,
        newState: {
          urn,
          type: `pulumi:providers:${pkg}`,
          custom: true,
          inputs,
          dependencies: [],
          propertyDependencies: {},
        },
      });
      order.push(urn);
    }
    return ref;
  };

  const record = (r: RegisterRequest, urn: string, id: string | undefined, op: "create" | "read") => {
    const type = r.getType();
    const struct = op === "read" ? r.getProperties?.() : r.getObject();
    const inputs = plainValue(struct?.toJavaScript() ?? {}) as Record<string, unknown>;
    const propertyDependencies: Record<string, string[]> = {};
    r.getPropertydependenciesMap?.().forEach((v, k) => (propertyDependencies[k] = v.getUrnsList()));
    const custom = op === "read" ? true : r.getCustom();
    let provider = r.getProvider() || undefined;
    if (!provider && custom && !type.startsWith("pulumi:")) provider = defaultProviderFor(type);
    if (type.startsWith("pulumi:providers:") && typeof inputs.region === "string")
      providerRegion.set(urn, inputs.region);
    steps.set(urn, {
      op,
      urn,
      ...(provider ? { provider } : {}),
      newState: {
        urn,
        type,
        custom,
        ...(id ? { id } : {}),
        ...(r.getParent() ? { parent: r.getParent() } : {}),
        ...(provider ? { provider } : {}),
        inputs,
        dependencies: r.getDependenciesList?.() ?? [],
        propertyDependencies,
        ...(r.getProtect?.() ? { protect: true } : {}),
        ...(r.getRetainondelete?.() ? { retainOnDelete: true } : {}),
      },
    });
    order.push(urn);
    const specs = r.getAliasesList?.() ?? [];
    if (specs.length > 0) aliasSpecs.set(urn, specs);
  };

  const aliasSpecs = new Map<string, AliasMessage[]>();
  /** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` of a resource under `parent`. */
  const composeUrn = (stack: string, project: string, parent: string, type: string, name: string) => {
    const parentType = parent ? parent.split("::")[2] : STACK_TYPE;
    const qualified = parentType === STACK_TYPE ? type : `${parentType}$${type}`;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
  };
  /** Every earlier URN a resource answers to: its own alias specs and its parents' aliases, as the engine resolves them. */
  const resolvedAliases = (): Record<string, string[]> => {
    const memo = new Map<string, string[]>();
    const resolve = (urn: string): string[] => {
      const cached = memo.get(urn);
      if (cached) return cached;
      memo.set(urn, []);
      const step = steps.get(urn);
      if (!step) return [];
      const parent = step.newState.parent ?? "";
      const type = step.newState.type;
      const name = urn.slice(urn.lastIndexOf("::") + 2);
      const out = new Set<string>();
      for (const a of aliasSpecs.get(urn) ?? []) {
        const spec = a.hasSpec() ? a.getSpec() : undefined;
        if (!spec) {
          if (a.getUrn()) out.add(a.getUrn());
          continue;
        }
        const aliasParent = spec.getNoparent() ? "" : spec.getParenturn() || parent;
        out.add(
          composeUrn(
            spec.getStack() || req.stack,
            spec.getProject() || req.project,
            aliasParent,
            spec.getType() || type,
            spec.getName() || name,
          ),
        );
      }
      // A child of an aliased parent answers to the same child under each of the parent's earlier URNs
      // (and, when its name starts with the parent's name, to that prefix renamed too).
      if (parent) {
        const parentName = parent.slice(parent.lastIndexOf("::") + 2);
        for (const old of resolve(parent)) {
          const oldName = old.slice(old.lastIndexOf("::") + 2);
          const childName = name.startsWith(parentName) ? oldName + name.slice(parentName.length) : name;
          out.add(composeUrn(req.stack, req.project, old, type, childName));
          if (childName !== name) out.add(composeUrn(req.stack, req.project, old, type, name));
        }
      }
      out.delete(urn);
      const list = [...out].sort();
      memo.set(urn, list);
      return list;
    };
    const all: Record<string, string[]> = {};
    for (const urn of order) {
      const list = resolve(urn);
      if (list.length > 0) all[urn] = list;
    }
    return all;
  };

  const mocks = {
    newResource(args: Parameters<typeof mockResourceState>[0]) {
      if (args.type === STACK_REFERENCE_TYPE) {
        const name = String((args.inputs as { name: string }).name);
        const key = referenceKey(name, req.project);
        const found = req.stackOutputs[key];
        if (!found) {
          needs.add(key);
          signalNeeds();
          throw new MissingStackError(name);
        }
        return { id: name, state: { name, outputs: found, secretOutputNames: [] } };
      }
      const urn = urnFor("", args.type, args.name);
      return mockResourceState(args, urn + (args.provider ?? ""), regions);
    },
    call: (args: Parameters<typeof mockCall>[0]) => mockCall(args, regions),
  };

  class RecordingMonitor extends MockMonitor {
    constructor() {
      super(mocks);
      (this as unknown as { newUrn: typeof urnFor }).newUrn = urnFor;
    }
    override async registerResource(r: RegisterRequest, cb: Callback) {
      return super.registerResource(r, (err, resp) => {
        if (!err && resp) record(r, resp.getUrn(), r.getCustom() ? resp.getId?.() : undefined, "create");
        cb(err, resp);
      });
    }
    override async readResource(r: RegisterRequest, cb: Callback) {
      return super.readResource(r, (err, resp) => {
        if (!err && resp) record(r, resp.getUrn(), r.getId?.(), "read");
        cb(err, resp);
      });
    }
    override registerResourceOutputs(
      r: { getUrn(): string; getOutputs(): Struct | undefined },
      cb: (err: unknown, resp: unknown) => void,
    ) {
      outputs.set(r.getUrn(), plainValue(r.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>);
      super.registerResourceOutputs(r, cb);
    }
  }

  const fail = (e: unknown) => {
    if (e instanceof MissingStackError || (e as Error)?.name === "MissingStackError") return;
    const message = e instanceof Error ? e.message : String(e);
    if (!errors.includes(message)) errors.push(message);
  };
  process.on("unhandledRejection", fail);
  process.on("uncaughtException", fail);

  // Preview mode, as `pulumi preview` runs the program: outputs the monitor does not answer stay unknown.
  settings.setMockOptions(new RecordingMonitor(), req.project, req.stack, true, req.organization);
  const store = getStore();
  Object.assign(store, {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsReplaceWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: false,
    supportsParameterization: true,
    supportsResourceHooks: true,
    supportsErrorHooks: true,
  });

  const reported = new Set<unknown>();
  const run = (async () => {
    try {
      await cmdRun.run(
        { _: [req.entryPoint], pwd: req.projectDir },
        () => undefined,
        (err) => reported.add(err),
        (err) => reported.has(err),
      );
    } catch (e) {
      fail(e);
    }
    await settings.waitForRPCs();
    // Let rejected applies surface before reporting.
    await new Promise((r) => setImmediate(r));
    return "done" as const;
  })();
  // A program whose failure leaves its promises pending empties the event loop without settling
  // `run` (cmd/run has logged the error): report what was collected instead of exiting silently.
  const drained = new Promise<"drained">((resolve) => process.once("beforeExit", () => resolve("drained")));
  const outcome = await Promise.race([run, needsSignal, drained]);
  if (outcome === "drained" && errors.length === 0 && needs.size === 0) {
    errors.push("the program stopped before it completed (its promises never settled)");
  }
  if (outcome === "needs") {
    return {
      project: req.project,
      stack: req.stack,
      steps: [],
      outputs: {},
      needs: [...needs],
      errors: [],
      durationMs: Date.now() - started,
      cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  }

  const ordered = order.map((urn) => {
    const step = steps.get(urn)!;
    const out = outputs.get(urn);
    return out ? { ...step, newState: { ...step.newState, outputs: out } } : step;
  });
  const stackStep = ordered.find((s) => s.newState.type === STACK_TYPE);
  return {
    project: req.project,
    stack: req.stack,
    steps: ordered,
    aliases: resolvedAliases(),
    outputs: (stackStep?.newState.outputs as Record<string, unknown>) ?? {},
    needs: [...needs],
    errors: needs.size > 0 ? [] : errors,
    durationMs: Date.now() - started,
    cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

if (require.main === module || process.send) {
  process.once("message", (msg: EvaluateRequest) => {
    evaluate(msg)
      .then((result) => process.send!(result, () => process.exit(0)))
      .catch((e: unknown) => {
        const result: Partial<EvaluateResult> = {
          errors: [e instanceof Error ? (e.stack ?? e.message) : String(e)],
        };
        process.send!(result, () => process.exit(0));
      });
  });
}
