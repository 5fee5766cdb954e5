import { PlatformOutputsSchema } from "./platform";
import { platformStackName } from "./reference";
import { ContractError, validateOutputs } from "./validate";

const good = {
  contractVersion: 1,
  environment: "dev",
  region: "us-east-1",
  drRegion: "us-west-2",
  tags: { Owner: "x" },
  logRetentionDays: 14,
};

describe("platform contract", () => {
  it("accepts the outputs the platform stack exports", () => {
    expect(validateOutputs(PlatformOutputsSchema, good, "acme/data-platform/dev").region).toBe("us-east-1");
  });

  it("names every missing output and the producing stack", () => {
    const { region: _r, drRegion: _d, ...rest } = good;
    expect(() => validateOutputs(PlatformOutputsSchema, rest, "acme/data-platform/dev")).toThrow(
      new ContractError("acme/data-platform/dev", [
        'output "region" is missing (Invalid input: expected string, received undefined)',
        'output "drRegion" is missing (Invalid input: expected string, received undefined)',
      ]),
    );
  });

  it("refuses a contract version it does not know", () => {
    expect(() => validateOutputs(PlatformOutputsSchema, { ...good, contractVersion: 2 }, "s")).toThrow(
      /output "contractVersion" is invalid/,
    );
  });

  it("builds StackReference names by convention and honours an override", () => {
    expect(platformStackName({ org: "acme", stack: "prod" })).toBe("acme/data-platform/prod");
    expect(platformStackName({ org: "acme", stack: "prod", override: "other/data-platform/prod" })).toBe(
      "other/data-platform/prod",
    );
  });
});
