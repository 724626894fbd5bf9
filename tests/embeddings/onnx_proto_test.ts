import { assertEquals, assertThrows } from "../_helpers/assert.ts";
import { decodeOnnxModel } from "../../src/embeddings/onnx_proto.ts";
import { RESNET_DATA, SMALL_DIR } from "./_fixtures.ts";

/** Protobuf writer for hand-made messages (varint / length-delimited / fixed32 fields). */
class Pb {
  bytes: number[] = [];
  varint(no: number, v: number | bigint): this {
    this.#key(no, 0);
    this.#raw(BigInt.asUintN(64, BigInt(v)));
    return this;
  }
  bytesField(no: number, b: Uint8Array | number[]): this {
    this.#key(no, 2);
    this.#raw(BigInt(b.length));
    this.bytes.push(...b);
    return this;
  }
  str(no: number, s: string): this {
    return this.bytesField(no, [...new TextEncoder().encode(s)]);
  }
  msg(no: number, m: Pb): this {
    return this.bytesField(no, m.bytes);
  }
  fixed32(no: number, f: number): this {
    this.#key(no, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, f, true);
    this.bytes.push(...b);
    return this;
  }
  #key(no: number, wire: number) {
    this.#raw(BigInt((no << 3) | wire));
  }
  #raw(v: bigint) {
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v) b |= 0x80;
      this.bytes.push(b);
    } while (v);
  }
}

function packedVarints(values: number[]): number[] {
  const p = new Pb();
  for (const v of values) p.varint(1, v);
  // Strip the field keys (one byte each for field 1) to leave the packed run.
  const out: number[] = [];
  let i = 0;
  while (i < p.bytes.length) {
    i++;
    do out.push(p.bytes[i]); while (p.bytes[i++] & 0x80);
  }
  return out;
}

Deno.test("decodeOnnxModel() reads WeSpeaker's export: opset, input shape, initializers, attributes", () => {
  const path = `${SMALL_DIR}/model.onnx`;
  const m = decodeOnnxModel(Deno.readFileSync(path), path);
  assertEquals(m.opsets.get(""), 14);
  assertEquals(m.inputs[0], { name: "feats", shape: ["B", "T", 80] });
  assertEquals(m.outputs[0].name, "embs");
  const w = m.initializers.get("seg_1.weight")!;
  assertEquals([w.dtype, w.shape], ["float32", [32, 640]]);
  const conv = m.nodes.find((n) => n.opType === "Conv")!;
  assertEquals(conv.attributes.get("kernel_shape"), { type: "ints", value: [3, 3] });
  assertEquals(conv.attributes.get("pads"), { type: "ints", value: [1, 1, 1, 1] });
  const gemm = m.nodes.find((n) => n.opType === "Gemm")!;
  assertEquals(gemm.attributes.get("transB"), { type: "int", value: 1 });
});

Deno.test("decodeOnnxModel() reads packed and unpacked repeated fields and typed data", () => {
  const tensor = new Pb().bytesField(1, packedVarints([2, 3])).varint(2, 1).str(8, "w")
    .fixed32(4, 1).fixed32(4, 2).fixed32(4, 3).fixed32(4, 4).fixed32(4, -5).fixed32(4, 6.5);
  const ints = new Pb().str(1, "axes").varint(20, 7).varint(8, -1).varint(8, 3);
  const node = new Pb().str(1, "x").str(2, "y").str(3, "n0").str(4, "ReduceMean").msg(5, ints);
  const graph = new Pb().msg(1, node).str(2, "g").msg(5, tensor);
  const model = new Pb().varint(1, 8).msg(7, graph);
  const m = decodeOnnxModel(Uint8Array.from(model.bytes), "hand.onnx");
  assertEquals(m.irVersion, 8);
  const t = m.initializers.get("w")!;
  assertEquals([t.shape, Array.from(t.data as Float32Array)], [[2, 3], [1, 2, 3, 4, -5, 6.5]]);
  assertEquals(m.nodes[0].attributes.get("axes"), { type: "ints", value: [-1, 3] });
});

Deno.test("decodeOnnxModel() names the file for truncated or external-data models", () => {
  const path = `${RESNET_DATA}unsupported_op.onnx`;
  const bytes = Deno.readFileSync(path);
  assertThrows(
    () => decodeOnnxModel(bytes.subarray(0, bytes.length - 7), "cut.onnx"),
    Error,
    "cut.onnx",
  );
  const ext = new Pb().varint(1, 1).varint(2, 1).str(8, "big").varint(14, 1);
  const model = new Pb().varint(1, 8).msg(7, new Pb().msg(5, ext));
  assertThrows(
    () => decodeOnnxModel(Uint8Array.from(model.bytes), "ext.onnx"),
    Error,
    "save_as_external_data=False",
  );
  assertThrows(
    () => decodeOnnxModel(new Uint8Array([0x08, 0x07]), "nograph.onnx"),
    Error,
    "no graph",
  );
});
