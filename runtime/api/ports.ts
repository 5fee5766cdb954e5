import {
  GetItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
  type GetItemCommandInput,
  type QueryCommandInput,
} from "@aws-sdk/client-dynamodb";
import { InvokeEndpointCommand, type SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";

/** The DynamoDB reads of `GET items`, in the SDK's shapes. */
export interface ItemsPort {
  getItem(input: GetItemCommandInput): Promise<{ Item?: Record<string, AttributeValue> }>;
  query(input: QueryCommandInput): Promise<{ Items?: Record<string, AttributeValue>[] }>;
}

/** Adapts an SDK v3 DynamoDB client. */
export function itemsPort(client: DynamoDBClient): ItemsPort {
  return {
    getItem: (input) => client.send(new GetItemCommand(input)),
    query: (input) => client.send(new QueryCommand(input)),
  };
}

/** One inference call: the request body goes to the endpoint as is. */
export interface PredictRequest {
  readonly endpointName: string;
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** The endpoint's answer and the production variant that produced it (chosen by the variant weights). */
export interface PredictResponse {
  readonly body: Uint8Array;
  readonly contentType?: string;
  readonly variant?: string;
}

/** SageMaker InvokeEndpoint. */
export interface PredictPort {
  invoke(request: PredictRequest): Promise<PredictResponse>;
}

/** Adapts an SDK v3 SageMaker Runtime client (no TargetVariant: the endpoint's weights choose). */
export function predictPort(client: SageMakerRuntimeClient): PredictPort {
  return {
    invoke: async (r) => {
      const res = await client.send(
        new InvokeEndpointCommand({
          EndpointName: r.endpointName,
          Body: r.body,
          ContentType: r.contentType,
          Accept: "application/json",
        }),
      );
      return { body: res.Body, contentType: res.ContentType, variant: res.InvokedProductionVariant };
    },
  };
}
