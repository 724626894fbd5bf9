import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { winogradWeights } from "../../src/embeddings/winograd_weights.ts";
import { resnetConvRef } from "../../src/reference/resnet_conv.ts";
import { winoInputRef } from "../../src/reference/resnet_wino_input.ts";
import { winoGemmRef } from "../../src/reference/resnet_wino_gemm.ts";
import { winoOutputRef } from "../../src/reference/resnet_wino_output.ts";

Deno.test("winogradWeights() with the transform references reproduces a direct 3x3 convolution", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  for (const [cin, cout, h, w] of [[1, 1, 1, 1], [3, 5, 7, 13], [4, 2, 9, 6]]) {
    const shape = { batch: 2, channels: cin, height: h, width: w };
    const x = rng.floats(2 * cin * h * w);
    const wt = rng.floats(cout * cin * 9);
    const bias = rng.floats(cout);
    const res = rng.floats(2 * cout * h * w);
    const coutPad = 8;
    const u = winogradWeights(wt, { cin, cout, coutPad });
    const uLogical = new Float64Array(36 * cin * cout);
    for (let i = 0; i < 36 * cin; i++) {
      for (let co = 0; co < cout; co++) uLogical[i * cout + co] = u[i * coutPad + co];
    }
    const tilesH = Math.ceil(h / 4);
    const cols = Math.ceil(w / 4);
    const m = winoGemmRef(winoInputRef(x, shape), uLogical, { cin, cout, rows: 2 * tilesH, cols });
    const outShape = { ...shape, channels: cout };
    const got = winoOutputRef(m, bias, outShape, { relu: true, res });
    const want = resnetConvRef(x, wt, bias, shape, { k: 3, stride: 1, cout, relu: true, res });
    assertClose(
      got,
      want,
      { atol: 1e-5, rtol: 1e-5 },
      `cin=${cin} cout=${cout} ${h}x${w} seed=${seed}`,
    );
  }
});
