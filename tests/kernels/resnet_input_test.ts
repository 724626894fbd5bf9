import { assert } from "../_helpers/assert.ts";
import { assertClose } from "../_helpers/assert_close.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { GPU_TEST, testGpu } from "../_helpers/gpu.ts";
import { resnetInput } from "../../src/kernels/resnet_input.ts";
import { actElements, pitchOf, texelsOf } from "../../src/kernels/resnet_layout.ts";
import { inputImageRef } from "../../src/reference/resnet_input.ts";
import { tailValues, unpackAct } from "./_resnet_texels.ts";

Deno.test({
  name: "resnetInput() lays features out as the one-channel image, zero past the last frame",
  ...GPU_TEST,
  async fn() {
    const gpu = await testGpu();
    if (!gpu) return;
    const seed = freshSeed();
    const rng = new Rng(seed);
    // Texels per row 1, WG−1, WG, WG+1 (WG = 64) with partial last texels; utterances whose
    // features do not start on a binding-offset boundary.
    for (const [batch, time, freq] of [[1, 1, 3], [2, 251, 80], [1, 256, 7], [3, 258, 5]]) {
      const x = rng.floats(batch * time * freq);
      const shape = { batch, channels: 1, height: freq, width: time };
      const xt = gpu.upload(x);
      const y = gpu.empty([actElements(shape)], "f32", { poison: true });
      const run = gpu.run("resnet_input_test");
      // A window of about one utterance makes later windows start mid-alignment.
      const windowBytes = Math.max(time * freq * 4, freq * pitchOf(texelsOf(time)) * 16) + 512;
      resnetInput(run, { x: xt, y }, { batch, time, freq, windowBytes });
      run.read(y);
      const [out] = await run.submit();
      const what = `batch=${batch} time=${time} freq=${freq} seed=${seed}`;
      assertClose(unpackAct(out, shape), inputImageRef(x, { batch, time, freq }), {}, what);
      assert(tailValues(out, shape).every((v) => v === 0), `tail not zero: ${what}`);
      xt.release();
      y.release();
    }
  },
});
