/**
 * Binding of kernels/bae_matmul.wgsl: register-tiled C = op(A)·op(B) with a
 * bias/activation epilogue, in the three layouts a Linear layer needs
 * (forward `X·Wᵀ`, input gradient `dY·W`, weight gradient `dYᵀ·X`). A and B
 * are read from textures (staged here unless the caller passes textures it
 * staged once for several products).
 * @module
 */
import * as d from "typegpu/data";
import source from "../../kernels/bae_matmul.wgsl" with { type: "text" };
import {
  defineKernel,
  type GpuRun,
  type GpuTensor,
  readBinding,
  readWriteBinding,
  textureBinding,
  uniformBinding,
  workgroupsFor,
} from "../gpu/mod.ts";
import {
  type GpuMatrix,
  matrixBinding,
  sliceBinding,
  stageMatrix,
  unusedInput,
} from "./_bae_matrix.ts";

/** Kernel spec of bae_matmul. */
export const BAE_MATMUL = defineKernel({
  name: "bae_matmul",
  source,
  bindings: {
    a: textureBinding(),
    b: textureBinding(),
    bias: readBinding("f32"),
    c: readWriteBinding("vec4f"),
    u: uniformBinding(),
  },
  uniforms: d.struct({ m: d.u32, n: d.u32, k: d.u32, ldc: d.u32 }),
  overrides: { WG: 32, TM: 16, LAYOUT: 0, EPILOGUE: 0 },
});

/** Which operands are transposed: `nt` = A·Bᵀ, `nn` = A·B, `tn` = Aᵀ·B. */
export type MatmulLayout = "nt" | "nn" | "tn";

/** What happens to each output after the product. */
export type MatmulEpilogue = "none" | "bias" | "bias_relu" | "bias_tanh";

const LAYOUT_ID: Record<MatmulLayout, number> = { nt: 0, nn: 1, tn: 2 };
const EPILOGUE_ID: Record<MatmulEpilogue, number> = {
  none: 0,
  bias: 1,
  bias_relu: 2,
  bias_tanh: 3,
};

/** A matrix operand: in a buffer (staged into a texture here) or already staged. */
export type MatmulOperand = GpuMatrix | { texture: GPUTexture; rows: number; cols: number };

/** Options of baeMatmul. */
export interface MatmulOptions {
  /** Operand layout (default `nt`). */
  layout?: MatmulLayout;
  /** Epilogue (default `none`); the bias ones need `bias`. */
  epilogue?: MatmulEpilogue;
  /** Bias of length n: a tensor, or `length` values at `offset` of one. */
  bias?: GpuTensor | { tensor: GpuTensor; offset: number };
  /** Workgroup size (default: 32 on software adapters, 64 on GPUs). */
  wg?: number;
  /**
   * Rows of C per invocation, 16 or 4 (default: 16 on software adapters, where
   * fetches are dear and registers are not; 4 on GPUs, which would spill 16).
   */
  tileRows?: 4 | 16;
}

/** The (m, n, k) of a product of these operands in this layout. */
export function matmulShape(
  a: { rows: number; cols: number },
  b: { rows: number; cols: number },
  layout: MatmulLayout,
): { m: number; n: number; k: number } {
  const [m, ka] = layout === "tn" ? [a.cols, a.rows] : [a.rows, a.cols];
  const [n, kb] = layout === "nt" ? [b.rows, b.cols] : [b.cols, b.rows];
  if (ka !== kb) {
    throw new RangeError(
      `baeMatmul ${layout}: A ${a.rows}x${a.cols} and B ${b.rows}x${b.cols} do not contract`,
    );
  }
  return { m, n, k: ka };
}

/** Records C = op(A)·op(B) (+ epilogue) into the matrix `c` (m x n). */
export function baeMatmul(
  run: GpuRun,
  operands: { a: MatmulOperand; b: MatmulOperand; c: GpuMatrix },
  options: MatmulOptions = {},
): void {
  const layout = options.layout ?? "nt";
  const epilogue = options.epilogue ?? "none";
  const { a, b, c } = operands;
  const { m, n, k } = matmulShape(a, b, layout);
  if (c.rows !== m || c.cols !== n) {
    throw new RangeError(`baeMatmul ${layout}: C is ${c.rows}x${c.cols}, the product ${m}x${n}`);
  }
  let bias = sliceBinding(unusedInput(run.gpu), 0, 4);
  if (epilogue !== "none") {
    if (!options.bias) throw new TypeError(`baeMatmul: epilogue ${epilogue} needs a bias`);
    const bt = "tensor" in options.bias ? options.bias.tensor : options.bias;
    const bo = "tensor" in options.bias ? options.bias.offset : 0;
    if (bt.size < bo + n) throw new RangeError(`baeMatmul: bias holds ${bt.size - bo} < ${n}`);
    bias = sliceBinding(bt, bo, n);
  }
  const software = run.gpu.profile === "software";
  const wg = options.wg ?? (software ? 32 : 64);
  const tm = options.tileRows ?? (software ? 16 : 4);
  if (tm !== 4 && tm !== 16) throw new RangeError(`baeMatmul: tileRows must be 4 or 16, got ${tm}`);
  const tiles = Math.ceil(m / tm) * Math.ceil(n / 16);
  run.dispatch(BAE_MATMUL, {
    bindings: {
      a: "texture" in a ? a.texture : stageMatrix(run, a),
      b: "texture" in b ? b.texture : stageMatrix(run, b),
      bias,
      c: matrixBinding(c),
    },
    uniforms: { m, n, k, ldc: c.ld },
    workgroups: workgroupsFor(tiles, wg),
    overrides: { WG: wg, TM: tm, LAYOUT: LAYOUT_ID[layout], EPILOGUE: EPILOGUE_ID[epilogue] },
  });
}
