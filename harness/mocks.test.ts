import { arnFor, mockCall, mockResourceState } from "./mocks";

const regions = { regionOf: (p: string | undefined) => (p?.includes("dr") ? "us-west-2" : "us-east-1") };
const call = (token: string, inputs: Record<string, unknown>, provider?: string) =>
  mockCall({ token, inputs, provider } as never, regions);

describe("offline answers for SageMaker", () => {
  it("looks up built-in algorithm images in AWS's registry for the provider's region", () => {
    const token = "aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage";
    expect(call(token, { repositoryName: "sagemaker-xgboost", imageTag: "1.7-1" })).toMatchObject({
      registryId: "683313688378",
      registryPath: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    });
    expect(
      call(token, { repositoryName: "sagemaker-xgboost", imageTag: "1.7-1" }, "dr-provider"),
    ).toMatchObject({
      registryPath: "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1",
    });
  });

  it("fails like the provider for a repository it does not know", () => {
    expect(() =>
      call("aws:sagemaker/getPrebuiltEcrImage:getPrebuiltEcrImage", { repositoryName: "nope" }),
    ).toThrow(/no registry for repository nope in us-east-1/);
  });

  it("gives SageMaker resources the ARNs AWS gives them (lower-case names)", () => {
    expect(arnFor("aws:sagemaker/featureGroup:FeatureGroup", "Visitor-Dev", "us-east-1", "x")).toBe(
      "arn:aws:sagemaker:us-east-1:123456789012:feature-group/visitor-dev",
    );
    expect(arnFor("aws:sagemaker/modelPackageGroup:ModelPackageGroup", "g", "us-east-1", "x")).toBe(
      "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g",
    );
    const state = mockResourceState(
      {
        type: "aws:sagemaker/pipeline:Pipeline",
        name: "training",
        inputs: { pipelineName: "training-dev" },
      } as never,
      "urn:pulumi:dev::p::aws:sagemaker/pipeline:Pipeline::training",
      regions,
    );
    expect(state.id).toBe("training-dev");
    expect(state.state.arn).toBe("arn:aws:sagemaker:us-east-1:123456789012:pipeline/training-dev");
  });
});
