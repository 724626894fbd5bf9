/**
 * Writes files with our writers for tools/make_io_fixtures.py --check to
 * load in Python (torch.load with weights_only=True, pickle, np.load,
 * np.loadtxt):
 *
 *   deno run -A tools/write_io_check_files.ts /tmp/io_check
 *   /usr/bin/python3 tools/make_io_fixtures.py --check /tmp/io_check
 * @module
 */
import { fileURLToPath } from "node:url";
import { readStateDict, writeStateDict } from "../src/io/torch_checkpoint.ts";
import { readNumpyPickle, writeNumpyPickle } from "../src/io/numpy_pickle.ts";
import { readNpy, writeNpy } from "../src/io/npy.ts";
import { readNumpyText, writeNumpyText } from "../src/io/numpy_text.ts";
import { toFloat32 } from "../src/io/host_tensor.ts";

const out = Deno.args[0];
if (!out) {
  console.error("usage: deno run -A tools/write_io_check_files.ts OUT_DIR");
  Deno.exit(2);
}
const fixtures = (p: string) =>
  fileURLToPath(new URL(`../tests/testdata/io/${p}`, import.meta.url));
await Deno.mkdir(out, { recursive: true });

const sd = await readStateDict(fixtures("pt/state_dict.pt"));
await writeStateDict(`${out}/state_dict.pt`, sd, { extra: { epoch: 3, tag: "ours", best: true } });
const bae = fileURLToPath(new URL("../../shared/models/BAE/BAE_mse.pt", import.meta.url));
try {
  await writeStateDict(`${out}/bae_mse.pt`, await readStateDict(bae));
} catch (e) {
  console.warn(`BAE_mse.pt not rewritten: ${(e as Error).message}`);
}
for (
  const [name, protocol] of [
    ["emb_p5.pkl", 5],
    ["ba_p5.pkl", 5],
    ["i64_p5.pkl", 5],
    ["f16_p5.pkl", 5],
    ["bool_p5.pkl", 5],
    ["large_f32_p5.pkl", 5],
    ["emb_p2.pkl", 2],
    ["ba_p2.pkl", 2],
    ["u8_p2.pkl", 2],
  ] as const
) {
  await writeNumpyPickle(`${out}/${name}`, await readNumpyPickle(fixtures(`pkl/${name}`)), {
    protocol,
  });
}
for (const name of ["c_f32.npy", "emb_f32.npy", "i64.npy"]) {
  await writeNpy(`${out}/${name}`, await readNpy(fixtures(`npy/${name}`)));
}
// np.savetxt was given float32 arrays: write the float32 values, as BA-LR does.
for (const name of ["emb.txt", "ba.txt"]) {
  const t = await readNumpyText(fixtures(`txt/${name}`));
  await writeNumpyText(`${out}/${name}`, { dtype: "float32", shape: t.shape, data: toFloat32(t) });
}
console.log(`wrote check files to ${out}`);
