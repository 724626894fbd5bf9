/**
 * The GPU runtime: device selection, buffer pool, kernel specs, pipeline
 * cache and batched runs.
 * @module
 */
import "./backend_env.ts";
export * from "./device.ts";
export * from "./buffer_pool.ts";
export * from "./dispatch.ts";
export * from "./kernel.ts";
export * from "./tensor.ts";
export * from "./pipeline_cache.ts";
export * from "./run.ts";
export * from "./gpu.ts";
