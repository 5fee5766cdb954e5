/*
 * Entry point of the Lambda runtime bundle (`packaging.ts` bundles this file with esbuild into
 * `.lambda/runtime.js` inside every inline function's archive). The serialized closure of a
 * `CallbackFunction` only `require`s the bundle and calls one of these factories, so everything
 * that handles records runs as ordinary compiled JavaScript, never through the closure serializer.
 */
export { streamProcessorFactory, windowAggregatorFactory } from "./factories";
