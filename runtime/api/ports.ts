import {
  GetItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
  type GetItemCommandInput,
  type QueryCommandInput,
} from "@aws-sdk/client-dynamodb";
import { InvokeEndpointCommand, type SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";

/**
 * Options of one backend call: `abortSignal` is handed to the SDK (`client.send(command, {
 * abortSignal })`), which destroys the socket and rejects with an `AbortError` when it fires.
 */
export interface CallOptions {
  readonly abortSignal?: AbortSignal;
}

/** The DynamoDB reads of `GET items`, in the SDK's shapes. */
export interface ItemsPort {
  getItem(
    input: GetItemCommandInput,
    options?: CallOptions,
  ): Promise<{ Item?: Record<string, AttributeValue> }>;
  query(
    input: QueryCommandInput,
    options?: CallOptions,
  ): Promise<{ Items?: Record<string, AttributeValue>[] }>;
}

/** Adapts an SDK v3 DynamoDB client. */
export function itemsPort(client: DynamoDBClient): ItemsPort {
  return {
    getItem: (input, options) => client.send(new GetItemCommand(input), options),
    query: (input, options) => client.send(new QueryCommand(input), options),
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
  invoke(request: PredictRequest, options?: CallOptions): Promise<PredictResponse>;
}

/** Adapts an SDK v3 SageMaker Runtime client (no TargetVariant: the endpoint's weights choose). */
export function predictPort(client: SageMakerRuntimeClient): PredictPort {
  return {
    invoke: async (r, options) => {
      const res = await client.send(
        new InvokeEndpointCommand({
          EndpointName: r.endpointName,
          Body: r.body,
          ContentType: r.contentType,
          Accept: "application/json",
        }),
        options,
      );
      return { body: res.Body, contentType: res.ContentType, variant: res.InvokedProductionVariant };
    },
  };
}
