/**
 * Datasets and the files around them: loading (audio file, folder, csv),
 * vector-file names and discovery, output paths and save dirs, shards and
 * id lists, trials in and scores/metrics out, and batch vector loading.
 * @module
 */
export { DEFAULT_AUDIO_FORMATS, normaliseFormats } from "./audio_formats.ts";
export { compareCodePoints, Dataset, describeProblem, loadDataset } from "./dataset.ts";
export type {
  DatasetFileField,
  DatasetItem,
  DatasetProblem,
  LoadDatasetOptions,
} from "./dataset.ts";
export { DirectoryIndex } from "./directory_index.ts";
export {
  discoverVectorFiles,
  DISCOVERY_EXTENSIONS,
  stemOf,
  VECTOR_SUFFIXES,
  vectorFileBeside,
} from "./vector_paths.ts";
export type { VectorKind } from "./vector_paths.ts";
export { commonAncestor, incrementSaveDir, planVectorSaves, referencePath } from "./save_paths.ts";
export type { SavePlan } from "./save_paths.ts";
export { filterIds, parseShard, readIdList, selectShard } from "./shard.ts";
export type { Shard } from "./shard.ts";
export {
  formatScore,
  METRIC_KEYS,
  readTrials,
  trialLabels,
  writeMetrics,
  writeScores,
} from "./trials.ts";
export type { TrialRow, Trials } from "./trials.ts";
export { loadVectors } from "./vectors.ts";
export type { LoadedVectors, LoadVectorsOptions } from "./vectors.ts";
