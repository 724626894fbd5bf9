/**
 * File formats: PyTorch checkpoints (zip + safe pickle), pickled numpy
 * arrays, `.npy`, numpy text, safetensors and BA-LR vector files, all as
 * {@link HostTensor}s. Pickles are interpreted by a whitelist stack machine:
 * nothing in a file is ever executed.
 * @module
 */
export * from "./host_tensor.ts";
export { writeFileAtomic, writeFileAtomicSync } from "./atomic_write.ts";
export {
  decodeTorchCheckpoint,
  encodeStateDict,
  pickStateDict,
  type ReadCheckpointOptions,
  readStateDict,
  readTorchCheckpoint,
  type StateDictInput,
  writeStateDict,
  type WriteStateDictOptions,
} from "./torch_checkpoint.ts";
export { type PickleDict, PickleObject, type PickleValue, unpickle } from "./pickle.ts";
export { resolveSafeGlobal } from "./pickle_globals.ts";
export type { PickleProtocol } from "./pickle_encoder.ts";
export {
  decodeNumpyPickle,
  encodeNumpyPickle,
  readNumpyPickle,
  writeNumpyPickle,
} from "./numpy_pickle.ts";
export { decodeNpy, encodeNpy, readNpy, writeNpy } from "./npy.ts";
export {
  decodeNumpyText,
  encodeNumpyText,
  formatExp18,
  readNumpyText,
  writeNumpyText,
} from "./numpy_text.ts";
export {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  type Safetensors,
  writeSafetensors,
} from "./safetensors.ts";
export {
  readVectorFile,
  readVectorFileSync,
  VECTOR_FILE_EXTENSIONS,
  writeVectorFile,
  type WriteVectorFileOptions,
} from "./vector_file.ts";
