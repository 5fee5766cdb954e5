import type * as automation from "@pulumi/pulumi/automation";
import {
  awsCredentialSourceFromEnv,
  findOnPath,
  type StackOperation,
  type StackResult,
  type StackRunner,
} from "./runner";

/** The Automation API, loaded on first use (half a second of start-up the usage errors don't need). */
async function api(): Promise<typeof automation> {
  return import("@pulumi/pulumi/automation");
}

/** The real runner: Pulumi Automation API over the installed Pulumi CLI. */
export class AutomationRunner implements StackRunner {
  async pulumiCli(): Promise<string | undefined> {
    // A look along PATH first: spawning a missing CLI through the Automation API costs a second.
    if (!findOnPath("pulumi")) return undefined;
    try {
      const { PulumiCommand } = await api();
      return (await PulumiCommand.get()).command;
    } catch {
      return undefined;
    }
  }

  async whoAmI(): Promise<string | undefined> {
    try {
      const { LocalWorkspace } = await api();
      const ws = await LocalWorkspace.create({});
      return (await ws.whoAmI()).user;
    } catch {
      return undefined;
    }
  }

  async awsCredentialSource(): Promise<string | undefined> {
    return awsCredentialSourceFromEnv();
  }

  async listStacks(_project: string, dir: string): Promise<string[]> {
    const { LocalWorkspace } = await api();
    const ws = await LocalWorkspace.create({ workDir: dir });
    return (await ws.listStacks({ all: false })).map((s) => s.name);
  }

  private async select(op: StackOperation) {
    const { LocalWorkspace } = await api();
    return LocalWorkspace.selectStack({ stackName: op.stack, workDir: op.dir });
  }

  async preview(op: StackOperation): Promise<StackResult> {
    const stack = await this.select(op);
    const result = await stack.preview({
      refresh: op.refresh,
      policyPacks: [op.policyPack],
      policyPackConfigs: [op.policyConfig],
      onOutput: op.onOutput,
    });
    return { changes: { ...result.changeSummary }, outputs: {} };
  }

  async up(op: StackOperation): Promise<StackResult> {
    const stack = await this.select(op);
    const result = await stack.up({
      refresh: op.refresh,
      policyPacks: [op.policyPack],
      policyPackConfigs: [op.policyConfig],
      onOutput: op.onOutput,
    });
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(result.outputs)) outputs[k] = v.secret ? "[secret]" : v.value;
    return { changes: { ...(result.summary.resourceChanges ?? {}) }, outputs };
  }

  async destroy(op: StackOperation): Promise<StackResult> {
    const stack = await this.select(op);
    await stack.destroy({ refresh: op.refresh, onOutput: op.onOutput });
    return { changes: {}, outputs: {} };
  }
}
