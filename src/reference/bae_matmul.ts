/**
 * CPU reference of bae_matmul: the three operand layouts, strided rows and
 * the bias/activation epilogue, accumulated in float64.
 * @module
 */

/** Operand layout: `nt` = A·Bᵀ, `nn` = A·B, `tn` = Aᵀ·B. */
export type MatmulLayoutRef = "nt" | "nn" | "tn";

/** Epilogue applied to each output. */
export type MatmulEpilogueRef = "none" | "bias" | "bias_relu" | "bias_tanh";

/** Shape, strides and epilogue of one product. */
export interface MatmulRefOptions {
  m: number;
  n: number;
  k: number;
  lda: number;
  ldb: number;
  ldc: number;
  layout: MatmulLayoutRef;
  epilogue?: MatmulEpilogueRef;
  bias?: ArrayLike<number>;
}

/** C [m, ldc] (pad lanes 0) = epilogue(op(A)·op(B)). */
export function baeMatmulRef(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  o: MatmulRefOptions,
): Float64Array {
  const { m, n, k, lda, ldb, ldc, layout } = o;
  const epilogue = o.epilogue ?? "none";
  const out = new Float64Array(m * ldc);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = layout === "tn" ? a[p * lda + i] : a[i * lda + p];
        const bv = layout === "nt" ? b[j * ldb + p] : b[p * ldb + j];
        s += av * bv;
      }
      if (epilogue !== "none") s += o.bias![j];
      if (epilogue === "bias_relu") s = Math.max(s, 0);
      if (epilogue === "bias_tanh") s = Math.tanh(s);
      out[i * ldc + j] = s;
    }
  }
  return out;
}
