/**
 * Vector files beside audio files (`<stem>_emb.*`, `<stem>_ba.*`), read and
 * written by extension: `.txt` (np.savetxt), `.pkl` (pickled numpy array),
 * `.npy`, `.safetensors` (one tensor).
 * @module
 */
import type { HostTensor } from "./host_tensor.ts";
import { decodeNumpyText, encodeNumpyText } from "./numpy_text.ts";
import { decodeNumpyPickle, encodeNumpyPickle } from "./numpy_pickle.ts";
import { decodeNpy, encodeNpy } from "./npy.ts";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
import type { PickleProtocol } from "./pickle_encoder.ts";
import { extensionOf, readSourceSync } from "./source.ts";
import { writeFileAtomic } from "./atomic_write.ts";

/** Extensions {@link readVectorFile} and {@link writeVectorFile} understand. */
export const VECTOR_FILE_EXTENSIONS = [".txt", ".pkl", ".npy", ".safetensors"] as const;

/** The tensor name used inside `.safetensors` vector files. */
export const SAFETENSORS_VECTOR_KEY = "vector";

/**
 * Reads one vector. `.txt` gives float64 (as np.loadtxt); the binary
 * formats keep their stored dtype (float32 for BA-LR's files). The read
 * itself is synchronous (see {@link readVectorFileSync}): vector files are
 * a few kilobytes, and an awaited file read would cost more than parsing.
 */
export function readVectorFile(path: string): Promise<HostTensor> {
  try {
    return Promise.resolve(readVectorFileSync(path));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Synchronous {@link readVectorFile}. */
export function readVectorFileSync(path: string): HostTensor {
  const ext = extensionOf(path);
  checkExtension(path, ext);
  const { bytes, name } = readSourceSync(path);
  switch (ext) {
    case ".txt": {
      let text: string;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        throw new Error(`${name}: not a text file (invalid UTF-8)`);
      }
      return decodeNumpyText(text, { name });
    }
    case ".pkl":
      return decodeNumpyPickle(bytes, { name });
    case ".npy":
      return decodeNpy(bytes, { name });
    default: {
      const { tensors } = decodeSafetensors(bytes, { name });
      if (tensors.size !== 1) {
        throw new Error(
          `${name}: a vector file must hold one tensor, this one holds ${tensors.size}`,
        );
      }
      return tensors.values().next().value!;
    }
  }
}

/** Options for {@link writeVectorFile}. */
export interface WriteVectorFileOptions {
  /** Pickle protocol for `.pkl` (default 5). */
  protocol?: PickleProtocol;
}

/**
 * Writes one vector atomically, in the tensor's own dtype (BA-LR writes
 * float32). `.txt` prints each value's exact float64 value with `%.18e`,
 * as `np.savetxt` does for a float32 array.
 */
export async function writeVectorFile(
  path: string,
  tensor: HostTensor,
  options: WriteVectorFileOptions = {},
): Promise<void> {
  const ext = extensionOf(path);
  checkExtension(path, ext);
  let data: Uint8Array | string;
  try {
    switch (ext) {
      case ".txt":
        data = encodeNumpyText(tensor);
        break;
      case ".pkl":
        data = encodeNumpyPickle(tensor, { protocol: options.protocol });
        break;
      case ".npy":
        data = encodeNpy(tensor);
        break;
      default:
        data = encodeSafetensors(new Map([[SAFETENSORS_VECTOR_KEY, tensor]]));
    }
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  }
  await writeFileAtomic(path, data);
}

function checkExtension(path: string, ext: string): void {
  if (!(VECTOR_FILE_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new Error(
      `${path}: unsupported vector file extension "${ext}" (expected ${
        VECTOR_FILE_EXTENSIONS.join(", ")
      })`,
    );
  }
}
