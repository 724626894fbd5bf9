/**
 * Per-speaker sums of binary attribute vectors (the referential R
 * `[speakers, n, 2]`, SPEC §9) and, more generally, sums of listed rows
 * (trial sides of several recordings), on the GPU in binding-sized chunks
 * from any number of vectors.
 * @module
 */
import type { Gpu, GpuTensor } from "../gpu/mod.ts";
import { GROUP_SUM_MAX_MEMBERS, scoringGroupSum } from "../kernels/scoring_group_sum.ts";
import { arraySource, inspectSides, sidesPerChunk } from "./_sides.ts";

/** Options of sumGroups. */
export interface SumGroupsOptions {
  /** Row indices into the vectors, listed group by group (a row may appear in several groups). */
  members: ArrayLike<number>;
  /** `[nGroups + 1]`: group g lists `members[offsets[g] ..< offsets[g + 1]]`. */
  offsets: ArrayLike<number>;
  /** Attributes per vector (default 512). */
  nAttributes?: number;
  /** Categories per attribute (default 2). */
  nCategories?: number;
  /** Names row i in error messages (default "vector #i"). */
  describeRow?: (i: number) => string;
}

/** Options of buildReferential. */
export interface BuildReferentialOptions {
  /** Speaker index of every vector, in `[0, nSpeakers)`. */
  speakers: ArrayLike<number>;
  /** Number of speakers (rows of the result); every speaker needs at least one vector. */
  nSpeakers: number;
  /** Attributes per vector (default 512). */
  nAttributes?: number;
  /** Categories per attribute (default 2). */
  nCategories?: number;
  /** Names row i in error messages (default "binary attribute vector #i"). */
  describeRow?: (i: number) => string;
  /** Names speaker k in error messages (default "speaker #k"). */
  describeSpeaker?: (k: number) => string;
}

function checkVectors(vectors: Float32Array, rowLen: number, nAttr: number, nCat: number): number {
  if (vectors.length % rowLen !== 0 || vectors.length === 0) {
    throw new RangeError(
      `binary attribute vectors: ${vectors.length} values are not a whole number of ` +
        `[${nAttr}, ${nCat}] vectors`,
    );
  }
  return vectors.length / rowLen;
}

/**
 * Sums listed rows of `vectors` (`[N, n, C]`) into `[nGroups, n, C]` on the GPU.
 * Counts are checked first (non-negative integers), naming the bad row.
 * Returns the sums on the GPU; release the tensor when done.
 */
export async function sumGroupsOnGpu(
  gpu: Gpu,
  vectors: Float32Array,
  options: SumGroupsOptions,
): Promise<GpuTensor<"f32">> {
  const nAttr = options.nAttributes ?? 512;
  const nCat = options.nCategories ?? 2;
  const rowLen = nAttr * nCat;
  const nRows = checkVectors(vectors, rowLen, nAttr, nCat);
  const { members, offsets } = options;
  const nGroups = offsets.length - 1;
  if (nGroups < 1 || offsets[0] !== 0 || offsets[nGroups] !== members.length) {
    throw new RangeError(
      `sumGroups: offsets must start at 0 and end at members.length (${members.length})`,
    );
  }
  for (let g = 0; g < nGroups; g++) {
    if (!(offsets[g + 1] >= offsets[g])) {
      throw new RangeError(`sumGroups: offsets decrease at group ${g}`);
    }
  }
  for (let m = 0; m < members.length; m++) {
    const r = members[m];
    if (!Number.isInteger(r) || r < 0 || r >= nRows) {
      throw new RangeError(`sumGroups: member ${m} names row ${r}, outside [0, ${nRows})`);
    }
  }
  const describe = options.describeRow ?? ((i: number) => `vector #${i}`);
  await inspectSides(gpu, arraySource(vectors, rowLen, describe), {
    nAttr,
    nCat,
    label: "scoring_group_sum",
  });

  const dst = gpu.empty([nGroups, nAttr, nCat], "f32", { label: "scoring_group_sum" });
  const chunk = sidesPerChunk(gpu, rowLen);
  try {
    const clear = gpu.run("scoring_group_sum:clear");
    clear.clear(dst);
    await clear.submit();
    for (let r0 = 0; r0 < nRows; r0 += chunk) {
      const r1 = Math.min(nRows, r0 + chunk);
      // This chunk's members of each group, as rounds of at most GROUP_SUM_MAX_MEMBERS.
      const perGroup = new Map<number, number[]>();
      for (let g = 0; g < nGroups; g++) {
        for (let m = offsets[g]; m < offsets[g + 1]; m++) {
          const r = members[m];
          if (r < r0 || r >= r1) continue;
          let list = perGroup.get(g);
          if (!list) perGroup.set(g, list = []);
          list.push(r - r0);
        }
      }
      if (perGroup.size === 0) continue;
      const run = gpu.run("scoring_group_sum");
      const src = run.scratch([r1 - r0, rowLen], "f32");
      gpu.write(src, vectors.subarray(r0 * rowLen, r1 * rowLen));
      for (let round = 0;; round++) {
        const memberList: number[] = [];
        const groupList: number[] = [];
        for (const [g, list] of perGroup) {
          const part = list.slice(
            round * GROUP_SUM_MAX_MEMBERS,
            (round + 1) * GROUP_SUM_MAX_MEMBERS,
          );
          if (part.length === 0) continue;
          groupList.push(g, memberList.length, memberList.length + part.length);
          memberList.push(...part);
        }
        if (groupList.length === 0) break;
        const m = run.scratch([memberList.length], "u32");
        gpu.write(m, memberList);
        const gt = run.scratch([groupList.length], "u32");
        gpu.write(gt, groupList);
        scoringGroupSum(run, {
          src,
          members: m,
          groups: gt,
          dst,
          nGroups: groupList.length / 3,
          rowLen,
        });
      }
      await run.submit();
    }
  } catch (e) {
    dst.release();
    throw e;
  }
  return dst;
}

/** {@link sumGroupsOnGpu}, read back to the host as `[nGroups, n, C]`. */
export async function sumGroups(
  gpu: Gpu,
  vectors: Float32Array,
  options: SumGroupsOptions,
): Promise<Float32Array> {
  const dst = await sumGroupsOnGpu(gpu, vectors, options);
  try {
    return await gpu.read(dst);
  } finally {
    dst.release();
  }
}

/**
 * The referential: per speaker, the sum of its binary attribute vectors
 * (`vectors` is `[N, n, C]`, one row per recording) → `[nSpeakers, n, C]`.
 *
 * @example
 * ```ts ignore
 * const gpu = await openGpu("auto");
 * const r = await buildReferential(gpu, baVectors, { speakers, nSpeakers: 3 });
 * ```
 */
export async function buildReferential(
  gpu: Gpu,
  vectors: Float32Array,
  options: BuildReferentialOptions,
): Promise<Float32Array> {
  const nAttr = options.nAttributes ?? 512;
  const nCat = options.nCategories ?? 2;
  const nRows = checkVectors(vectors, nAttr * nCat, nAttr, nCat);
  const { speakers, nSpeakers } = options;
  if (speakers.length !== nRows) {
    throw new RangeError(
      `buildReferential: ${speakers.length} speaker indices for ${nRows} binary attribute vectors`,
    );
  }
  const describeRow = options.describeRow ?? ((i: number) => `binary attribute vector #${i}`);
  // Counting sort of the rows by speaker (stable, so sums run in input order).
  const offsets = new Int32Array(nSpeakers + 1);
  for (let i = 0; i < nRows; i++) {
    const k = speakers[i];
    if (!Number.isInteger(k) || k < 0 || k >= nSpeakers) {
      throw new RangeError(`${describeRow(i)}: speaker index ${k} outside [0, ${nSpeakers})`);
    }
    offsets[k + 1]++;
  }
  const describeSpeaker = options.describeSpeaker ?? ((k: number) => `speaker #${k}`);
  for (let k = 0; k < nSpeakers; k++) {
    if (offsets[k + 1] === 0) {
      throw new RangeError(
        `buildReferential: ${describeSpeaker(k)} has no binary attribute vectors`,
      );
    }
    offsets[k + 1] += offsets[k];
  }
  const fill = offsets.slice(0, nSpeakers);
  const members = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) members[fill[speakers[i]]++] = i;
  return await sumGroups(gpu, vectors, {
    members,
    offsets,
    nAttributes: nAttr,
    nCategories: nCat,
    describeRow,
  });
}
