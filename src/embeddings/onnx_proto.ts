/**
 * A decoder for the parts of ONNX's protobuf (onnx.proto3) an inference
 * graph needs: ModelProto → GraphProto → NodeProto, AttributeProto,
 * TensorProto (raw_data and the typed *_data fields), ValueInfoProto.
 * Unknown fields are skipped, as protobuf readers must.
 * @module
 */
import type { HostDType, HostTensor } from "../io/host_tensor.ts";

/** An attribute value (ints and floats as numbers; tensors decoded). */
export type OnnxAttribute =
  | { type: "float"; value: number }
  | { type: "int"; value: number }
  | { type: "string"; value: string }
  | { type: "tensor"; value: HostTensor }
  | { type: "floats"; value: number[] }
  | { type: "ints"; value: number[] }
  | { type: "strings"; value: string[] }
  | { type: "graph" | "other"; value: null };

/** One node of the graph. */
export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

/** A graph input or output: its name and dims (numbers, or names for symbolic dims). */
export interface OnnxValueInfo {
  name: string;
  shape: Array<number | string>;
}

/** The decoded model. */
export interface OnnxModel {
  irVersion: number;
  /** Opset version per domain ("" is the default ONNX domain). */
  opsets: Map<string, number>;
  graphName: string;
  nodes: OnnxNode[];
  initializers: Map<string, HostTensor>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

const DATA_TYPES: Record<number, HostDType | undefined> = {
  1: "float32",
  2: "uint8",
  3: "int8",
  5: "int16",
  6: "int32",
  7: "int64",
  9: "bool",
  10: "float16",
  11: "float64",
};

/** Decodes ONNX model bytes; `name` (the file) prefixes every error. */
export function decodeOnnxModel(bytes: Uint8Array, name: string): OnnxModel {
  const model: OnnxModel = {
    irVersion: 0,
    opsets: new Map(),
    graphName: "",
    nodes: [],
    initializers: new Map(),
    inputs: [],
    outputs: [],
  };
  let sawGraph = false;
  try {
    for (const f of fields(bytes)) {
      if (f.no === 1) model.irVersion = Number(f.int());
      else if (f.no === 8) {
        let domain = "";
        let version = 0;
        for (const g of fields(f.bytes())) {
          if (g.no === 1) domain = g.str();
          else if (g.no === 2) version = Number(g.int());
        }
        model.opsets.set(domain, version);
      } else if (f.no === 7) {
        sawGraph = true;
        readGraph(f.bytes(), model, name);
      }
    }
  } catch (e) {
    if (e instanceof OnnxError) throw new Error(`${name}: ${e.message}`);
    throw new Error(`${name}: not a valid ONNX model (${(e as Error).message})`);
  }
  if (!sawGraph) throw new Error(`${name}: not an ONNX model (no graph)`);
  return model;
}

class OnnxError extends Error {}

function readGraph(bytes: Uint8Array, model: OnnxModel, file: string): void {
  for (const f of fields(bytes)) {
    switch (f.no) {
      case 1:
        model.nodes.push(readNode(f.bytes()));
        break;
      case 2:
        model.graphName = f.str();
        break;
      case 5: {
        const t = readTensor(f.bytes());
        model.initializers.set(t.name, t.tensor);
        break;
      }
      case 11:
        model.inputs.push(readValueInfo(f.bytes()));
        break;
      case 12:
        model.outputs.push(readValueInfo(f.bytes()));
        break;
      case 15:
        throw new OnnxError(`sparse initializers are not supported (in ${file})`);
    }
  }
}

function readNode(bytes: Uint8Array): OnnxNode {
  const node: OnnxNode = {
    name: "",
    opType: "",
    domain: "",
    inputs: [],
    outputs: [],
    attributes: new Map(),
  };
  for (const f of fields(bytes)) {
    if (f.no === 1) node.inputs.push(f.str());
    else if (f.no === 2) node.outputs.push(f.str());
    else if (f.no === 3) node.name = f.str();
    else if (f.no === 4) node.opType = f.str();
    else if (f.no === 7) node.domain = f.str();
    else if (f.no === 5) {
      const [k, v] = readAttribute(f.bytes());
      node.attributes.set(k, v);
    }
  }
  return node;
}

function readAttribute(bytes: Uint8Array): [string, OnnxAttribute] {
  let name = "";
  let type = 0;
  let fv = 0;
  let iv = 0;
  let sv = "";
  let tv: HostTensor | null = null;
  const floats: number[] = [];
  const ints: number[] = [];
  const strings: string[] = [];
  for (const f of fields(bytes)) {
    switch (f.no) {
      case 1:
        name = f.str();
        break;
      case 20:
        type = Number(f.int());
        break;
      case 2:
        fv = f.float();
        break;
      case 3:
        iv = Number(BigInt.asIntN(64, f.int()));
        break;
      case 4:
        sv = f.str();
        break;
      case 5:
        tv = readTensor(f.bytes()).tensor;
        break;
      case 7:
        floats.push(...f.floats());
        break;
      case 8:
        ints.push(...f.ints().map((v) => Number(BigInt.asIntN(64, v))));
        break;
      case 9:
        strings.push(f.str());
        break;
    }
  }
  const byType: Record<number, () => OnnxAttribute> = {
    1: () => ({ type: "float", value: fv }),
    2: () => ({ type: "int", value: iv }),
    3: () => ({ type: "string", value: sv }),
    4: () => ({ type: "tensor", value: tv! }),
    5: () => ({ type: "graph", value: null }),
    6: () => ({ type: "floats", value: floats }),
    7: () => ({ type: "ints", value: ints }),
    8: () => ({ type: "strings", value: strings }),
  };
  return [name, (byType[type] ?? (() => ({ type: "other", value: null })))()];
}

function readTensor(bytes: Uint8Array): { name: string; tensor: HostTensor } {
  let name = "";
  let dataType = 0;
  let external = false;
  const dims: number[] = [];
  let raw: Uint8Array | null = null;
  const floatData: number[] = [];
  const doubleData: number[] = [];
  const int32Data: number[] = [];
  const int64Data: bigint[] = [];
  for (const f of fields(bytes)) {
    switch (f.no) {
      case 1:
        dims.push(...f.ints().map((v) => Number(v)));
        break;
      case 2:
        dataType = Number(f.int());
        break;
      case 4:
        floatData.push(...f.floats());
        break;
      case 5:
        int32Data.push(...f.ints().map((v) => Number(BigInt.asIntN(32, v))));
        break;
      case 7:
        int64Data.push(...f.ints().map((v) => BigInt.asIntN(64, v)));
        break;
      case 8:
        name = f.str();
        break;
      case 9:
        raw = f.bytes();
        break;
      case 10:
        doubleData.push(...f.doubles());
        break;
      case 14:
        external = Number(f.int()) === 1;
        break;
    }
  }
  const label = name || "<unnamed tensor>";
  if (external) {
    throw new OnnxError(
      `tensor "${label}" keeps its data in an external file; re-save the model with ` +
        `onnx.save(model, path, save_as_external_data=False)`,
    );
  }
  const dtype = DATA_TYPES[dataType];
  if (!dtype) throw new OnnxError(`tensor "${label}" has unsupported data type ${dataType}`);
  const n = dims.reduce((a, b) => a * b, 1);
  const tensor: HostTensor = {
    dtype,
    shape: dims,
    data: decodeData(dtype, n, raw, { floatData, doubleData, int32Data, int64Data }),
  };
  if (tensor.data.length !== n) {
    throw new OnnxError(
      `tensor "${label}" holds ${tensor.data.length} values for shape [${dims.join(", ")}]`,
    );
  }
  return { name, tensor };
}

function decodeData(
  dtype: HostDType,
  n: number,
  raw: Uint8Array | null,
  typed: { floatData: number[]; doubleData: number[]; int32Data: number[]; int64Data: bigint[] },
): HostTensor["data"] {
  if (raw) {
    // raw_data is little-endian; copy so the typed array is aligned.
    const buf = raw.slice().buffer;
    switch (dtype) {
      case "float32":
        return new Float32Array(buf);
      case "float64":
        return new Float64Array(buf);
      case "int64":
        return new BigInt64Array(buf);
      case "int32":
        return new Int32Array(buf);
      case "int16":
        return new Int16Array(buf);
      case "int8":
        return new Int8Array(buf);
      case "float16":
        return halfToFloat(new Uint16Array(buf));
      default:
        return new Uint8Array(buf);
    }
  }
  switch (dtype) {
    case "float32":
      return Float32Array.from(typed.floatData);
    case "float64":
      return Float64Array.from(typed.doubleData);
    case "int64":
      return BigInt64Array.from(typed.int64Data);
    case "float16": // stored as uint16 bit patterns in int32_data
      return halfToFloat(Uint16Array.from(typed.int32Data));
    case "int32":
      return Int32Array.from(typed.int32Data);
    case "int16":
      return Int16Array.from(typed.int32Data);
    case "int8":
      return Int8Array.from(typed.int32Data);
    default:
      return n === 0 ? new Uint8Array(0) : Uint8Array.from(typed.int32Data);
  }
}

function halfToFloat(h: Uint16Array): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) {
    const s = h[i] & 0x8000 ? -1 : 1;
    const e = (h[i] >> 10) & 0x1f;
    const m = h[i] & 0x3ff;
    out[i] = e === 0
      ? s * m * 2 ** -24
      : e === 31
      ? (m ? NaN : s * Infinity)
      : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return out;
}

function readValueInfo(bytes: Uint8Array): OnnxValueInfo {
  const info: OnnxValueInfo = { name: "", shape: [] };
  for (const f of fields(bytes)) {
    if (f.no === 1) info.name = f.str();
    else if (f.no === 2) {
      for (const t of fields(f.bytes())) {
        if (t.no !== 1) continue; // tensor_type
        for (const tt of fields(t.bytes())) {
          if (tt.no !== 2) continue; // shape
          for (const dim of fields(tt.bytes())) {
            if (dim.no !== 1) continue;
            let v: number | string = "?";
            for (const dd of fields(dim.bytes())) {
              if (dd.no === 1) v = Number(dd.int());
              else if (dd.no === 2) v = dd.str();
            }
            info.shape.push(v);
          }
        }
      }
    }
  }
  return info;
}

// --- protobuf wire format ---------------------------------------------------

const decoder = new TextDecoder();

/** One field of a message, read lazily by the accessor that fits its type. */
interface Field {
  no: number;
  wire: number;
  int(): bigint;
  float(): number;
  bytes(): Uint8Array;
  str(): string;
  /** Repeated varints, packed or not. */
  ints(): bigint[];
  /** Repeated 32-bit floats, packed or not. */
  floats(): number[];
  /** Repeated 64-bit floats, packed or not. */
  doubles(): number[];
}

function* fields(buf: Uint8Array): Generator<Field> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new OnnxError("truncated varint");
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
      if (shift > 70n) throw new OnnxError("varint too long");
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    let value: bigint | number | Uint8Array;
    if (wire === 0) value = varint();
    else if (wire === 1) {
      if (pos + 8 > buf.length) throw new OnnxError("truncated 64-bit field");
      value = view.getFloat64(pos, true);
      pos += 8;
    } else if (wire === 5) {
      if (pos + 4 > buf.length) throw new OnnxError("truncated 32-bit field");
      value = view.getFloat32(pos, true);
      pos += 4;
    } else if (wire === 2) {
      const len = Number(varint());
      if (pos + len > buf.length) throw new OnnxError("truncated length-delimited field");
      value = buf.subarray(pos, pos + len);
      pos += len;
    } else {
      throw new OnnxError(`unsupported wire type ${wire} (field ${no})`);
    }
    yield makeField(no, wire, value);
  }
}

function makeField(no: number, wire: number, value: bigint | number | Uint8Array): Field {
  const packed = <T>(read: (v: DataView, b: Uint8Array) => T[], scalar: () => T): T[] => {
    if (wire !== 2) return [scalar()];
    const b = value as Uint8Array;
    return read(new DataView(b.buffer, b.byteOffset, b.byteLength), b);
  };
  return {
    no,
    wire,
    int: () => {
      if (wire !== 0) throw new OnnxError(`field ${no}: expected a varint`);
      return value as bigint;
    },
    float: () => {
      if (wire !== 5) throw new OnnxError(`field ${no}: expected a 32-bit float`);
      return value as number;
    },
    bytes: () => {
      if (wire !== 2) throw new OnnxError(`field ${no}: expected bytes`);
      return value as Uint8Array;
    },
    str: () => {
      if (wire !== 2) throw new OnnxError(`field ${no}: expected a string`);
      return decoder.decode(value as Uint8Array);
    },
    ints: () =>
      packed((_, b) => packedVarints(b), () => {
        if (wire !== 0) throw new OnnxError(`field ${no}: expected varints`);
        return value as bigint;
      }),
    floats: () =>
      packed((v) => {
        const out: number[] = [];
        for (let i = 0; i + 4 <= v.byteLength; i += 4) out.push(v.getFloat32(i, true));
        return out;
      }, () => {
        if (wire !== 5) throw new OnnxError(`field ${no}: expected floats`);
        return value as number;
      }),
    doubles: () =>
      packed((v) => {
        const out: number[] = [];
        for (let i = 0; i + 8 <= v.byteLength; i += 8) out.push(v.getFloat64(i, true));
        return out;
      }, () => {
        if (wire !== 1) throw new OnnxError(`field ${no}: expected doubles`);
        return value as number;
      }),
  };
}

/** The varints of a packed repeated field. */
function packedVarints(b: Uint8Array): bigint[] {
  const out: bigint[] = [];
  let pos = 0;
  while (pos < b.length) {
    let r = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= b.length) throw new OnnxError("truncated packed varint");
      const x = b[pos++];
      r |= BigInt(x & 0x7f) << shift;
      if (!(x & 0x80)) break;
      shift += 7n;
    }
    out.push(r);
  }
  return out;
}
