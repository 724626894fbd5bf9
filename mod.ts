/**
 * # balr — BA-LR explainable speaker recognition on WebGPU
 *
 * Audio → WeSpeaker embedding → 512 binary attributes → likelihood ratios
 * that decompose attribute by attribute. Every numeric step runs in WGSL
 * kernels on a WebGPU adapter (a GPU, or Mesa's lavapipe on the CPU).
 *
 * Each step of the pipeline is one function here; the `balr` CLI (`cli.ts`)
 * is a thin layer over the same functions.
 *
 * | step | functions |
 * | --- | --- |
 * | device | {@link openGpu} |
 * | configuration | {@link resolveConfig}, {@link toYaml} |
 * | datasets and files | {@link loadDataset}, {@link loadVectors}, {@link readTrials}, {@link trialLabels}, {@link readVectorFile}, {@link writeVectorFile}, {@link readStateDict}, {@link writeStateDict}, {@link decodeAudio} |
 * | extract | {@link extractFeatures}, {@link loadEmbeddingModel}, {@link embedFeatures}, {@link extractDataset} |
 * | binarize | {@link loadBae}, {@link binarizeEmbeddings}, {@link binarizeDataset} |
 * | train | {@link trainBae}, {@link trainOnDatasets}, {@link createSampler}, {@link syntheticPopulation} |
 * | fit | {@link buildReferential}, {@link fitScorer}, {@link fitScorerOnDataset}, {@link saveScorer}, {@link loadScorer} |
 * | score | {@link scoreTrialPairs}, {@link scoreTrials}, {@link scoreTrialsFile}, {@link cosineScorePairs} |
 * | metrics | {@link computeMetrics}, {@link equalErrorRate}, {@link cllr}, {@link minDcf}, {@link cllrMin} |
 * | explain | {@link explainTrial}, {@link explainTrialPairs}, {@link topContributions}, {@link explanationPlotSvg} |
 * | plots | {@link detPlotSvg}, {@link tippettPlotSvg} |
 *
 * @example Train a BAE, binarize, fit a scorer and score trials, all on the GPU
 * ```ts
 * const gpu = await openGpu("auto");
 * const config = resolveConfig({ overrides: ["trainer.epochs=2"] });
 * const train = syntheticPopulation({ speakers: 32, utterancesPerSpeaker: 8, seed: 1 });
 * const val = syntheticPopulation({ speakers: 8, utterancesPerSpeaker: 8, seed: 2 });
 * const trained = await trainBae(gpu, {
 *   train: { embeddings: train.embeddings, labels: train.speakers },
 *   val: { embeddings: val.embeddings, labels: val.speakers },
 * }, config, { saveDir: await Deno.makeTempDir() });
 *
 * const people = syntheticPopulation({ speakers: 20, utterancesPerSpeaker: 4, seed: 3 });
 * const { ba } = await binarizeEmbeddings(gpu, trained.weights, people.embeddings, { ba: true });
 * const speakerIndex = people.speakers.map((s) => Number(s.slice(3)) - 1);
 * const referential = await buildReferential(gpu, ba!, { speakers: speakerIndex, nSpeakers: 20 });
 * const scorer = await fitScorer(gpu, referential, config.scorer);
 *
 * // Recording 0 (speaker 1) against recordings 1 (same speaker) and 4 (speaker 2).
 * const scores = await scoreTrialPairs(gpu, scorer, { sides: ba!, pairs: [0, 1, 0, 4] });
 * const why = await explainTrialPairs(gpu, scorer, { sides: ba!, pairs: [0, 1] });
 * console.log(scores, topContributions(why, 3));
 * ```
 * @module
 */

// Device.
export { type AdapterReport, type Gpu, openGpu, type OpenGpuOptions } from "./src/gpu/mod.ts";

// Configuration.
export {
  type BalrConfig,
  ConfigError,
  resolveConfig,
  type ResolveOptions,
  type ScorerConfig,
  toYaml,
} from "./src/config/mod.ts";

// Datasets and files.
export {
  Dataset,
  type DatasetItem,
  incrementSaveDir,
  loadDataset,
  type LoadDatasetOptions,
  loadVectors,
  readTrials,
  trialLabels,
  type Trials,
  writeMetrics,
  writeScores,
} from "./src/data/mod.ts";
export {
  type SyntheticPopulation,
  syntheticPopulation,
  type SyntheticPopulationOptions,
} from "./src/data/synthetic_population.ts";
export { decodeAudio, type DecodedAudio } from "./src/io/audio/mod.ts";
export { type HostTensor } from "./src/io/host_tensor.ts";
export { readVectorFile, writeVectorFile } from "./src/io/vector_file.ts";
export { readStateDict, writeStateDict } from "./src/io/torch_checkpoint.ts";

// Extraction: audio → features → embeddings.
export { computeFeatures, extractFeatures, type FeatureOptions } from "./src/frontend/mod.ts";
export {
  type EmbeddingModel,
  type EmbeddingModelConfig,
  embedFeatures,
  loadEmbeddingModel,
} from "./src/embeddings/mod.ts";
export { embedAudioFile, extractDataset, type ExtractOptions } from "./src/commands/extract.ts";
export type { VectorBatchSummary } from "./src/commands/vector_batch.ts";

// Binary attributes: BAE inference and training.
export {
  type BaeWeights,
  baVectors,
  binarizeEmbeddings,
  type BinarizeOptions,
  type BinarizeResult,
  createSampler,
  loadBae,
  trainBae,
  type TrainBaeConfig,
  type TrainBaeOptions,
  type TrainResult,
  type TrainSplit,
} from "./src/binary/mod.ts";
export { binarizeDataset, type BinarizeDatasetOptions } from "./src/commands/binarize.ts";
export { trainOnDatasets, type TrainOnDatasetsOptions } from "./src/commands/train.ts";

// Scoring, metrics, explanations.
export {
  buildReferential,
  cllr,
  cllrMin,
  computeMetrics,
  cosineScorePairs,
  equalErrorRate,
  explainTrial,
  explainTrialPairs,
  fitScorer,
  loadScorer,
  type Metrics,
  minDcf,
  saveScorer,
  Scorer,
  scoreTrialPairs,
  scoreTrials,
  topContributions,
  type TrialPairs,
} from "./src/scoring/mod.ts";
export { fitScorerOnDataset } from "./src/commands/score_train.ts";
export { explainTrials, scoreTrialsFile } from "./src/commands/score_test.ts";

// Plots.
export { detPlotSvg } from "./src/report/det_plot.ts";
export { tippettPlotSvg } from "./src/report/tippett_plot.ts";
export { explanationPlotSvg } from "./src/report/explanation_plot.ts";

// The demo.
export {
  DEMO_SIZES,
  type DemoResult,
  formatDemoTable,
  runDemoPipeline,
} from "./src/commands/demo.ts";

// Types the functions above take and return.
export type { BaeGpuModel } from "./src/binary/bae_model.ts";
export type { BaeDims } from "./src/binary/bae_weights.ts";
export type { LossesInput } from "./src/binary/losses.ts";
export type { NxMSampler, NxMSamplerOptions } from "./src/binary/samplers/nxm_sampler.ts";
export type { TrainProgress } from "./src/binary/trainer.ts";
export type { DemoOptions, DemoRow, DemoSize } from "./src/commands/demo.ts";
export type { ScoredTrials, ScoreTrialsFileOptions } from "./src/commands/score_test.ts";
export type { FitOnDatasetOptions, FittedOnDataset } from "./src/commands/score_train.ts";
export type { ExplainRange } from "./src/commands/scoring_explain.ts";
export type { TrainOnDatasetsResult } from "./src/commands/train.ts";
export type { ConfigSetting } from "./src/config/resolve_config.ts";
export type {
  BetaScorerConfig,
  CosineScorerConfig,
  DataConfig,
  DnaScorerConfig,
  EmbeddingsConfig,
  EncoderConfig,
  MaxLlrScorerConfig,
  ScorerName,
  SpeechScorerConfig,
  TrainerConfig,
} from "./src/config/types.ts";
export type { DatasetFileField, DatasetProblem } from "./src/data/dataset.ts";
export type { TrialRow } from "./src/data/trials.ts";
export type { VectorKind } from "./src/data/vector_paths.ts";
export type { LoadedVectors, LoadVectorsOptions } from "./src/data/vectors.ts";
export type { EmbedFeaturesOptions } from "./src/embeddings/embed_features.ts";
export type { ResNetModelOptions } from "./src/embeddings/resnet_model.ts";
export type { WindowType } from "./src/frontend/options.ts";
export type { BufferPool } from "./src/gpu/buffer_pool.ts";
export type { AdapterProfile } from "./src/gpu/device.ts";
export type { EmptyOptions } from "./src/gpu/gpu.ts";
export type { PipelineCache } from "./src/gpu/pipeline_cache.ts";
export type { GpuRun } from "./src/gpu/run.ts";
export type { DType, GpuTensor, HostArray } from "./src/gpu/tensor.ts";
export type { DecodeAudioOptions } from "./src/io/audio/decode_audio.ts";
export type { HostData, HostDType } from "./src/io/host_tensor.ts";
export type {
  ReadCheckpointOptions,
  StateDictInput,
  WriteStateDictOptions,
} from "./src/io/torch_checkpoint.ts";
export type { WriteVectorFileOptions } from "./src/io/vector_file.ts";
export type { DetPlotOptions } from "./src/report/det_plot.ts";
export type { ExplanationPlotOptions } from "./src/report/explanation_plot.ts";
export type { LossHistory } from "./src/report/loss_plot.ts";
export type { TippettPlotOptions } from "./src/report/tippett_plot.ts";
export type { CosineScorePairsOptions } from "./src/scoring/embedding_cosine.ts";
export type { TopContributions } from "./src/scoring/explanations.ts";
export type { FitReport } from "./src/scoring/fit_report.ts";
export type { BinaryStats, DcfOptions, DcfResult, EerResult } from "./src/scoring/metrics.ts";
export type { BuildReferentialOptions } from "./src/scoring/referential.ts";
export type { TrialCounts } from "./src/scoring/score_trials.ts";
export type { FitScorerOptions, ScorerParams } from "./src/scoring/scorer.ts";
export type { ScorerExtras, ScorerSettings } from "./src/scoring/scorer_config.ts";
export type { PackLayout } from "./src/binary/bae_model.ts";
export type { SeededRandom } from "./src/binary/seeded_random.ts";
export type { TrialSides } from "./src/commands/scoring_trial_sides.ts";
export type {
  EmbeddingsModelConfig,
  EncoderModelConfig,
  LossesConfig,
  ScorerCommonConfig,
} from "./src/config/types.ts";
export type { PoolStats } from "./src/gpu/buffer_pool.ts";
export type { BindingSpec, KernelSpec } from "./src/gpu/kernel.ts";
export type { CachedPipeline } from "./src/gpu/pipeline_cache.ts";
export type { BufferImageSource, DispatchArgs } from "./src/gpu/run.ts";
export type { PickleProtocol } from "./src/io/pickle_encoder.ts";
export type { Contribution } from "./src/scoring/explanations.ts";
export type { PackSlot } from "./src/binary/bae_model.ts";
export type {
  ArcFaceLossConfig,
  MseLossConfig,
  SparsityLossConfig,
  TripletLossConfig,
} from "./src/config/types.ts";
export type { Workgroups } from "./src/gpu/dispatch.ts";
export type { BindingAccess, ElementType, StorageKeys, UniformValues } from "./src/gpu/kernel.ts";
export type { BindingResource } from "./src/gpu/run.ts";
export type { TripletType } from "./src/config/types.ts";
export type { StorageElementType } from "./src/gpu/kernel.ts";
export type { AnyStruct } from "./src/gpu/kernel.ts";
