/**
 * Ogg Opus decoding (RFC 7845): our Ogg demuxer feeds `opus-decoder`
 * (libopus compiled to WebAssembly, MIT) one packet at a time. The
 * identification header gives channels, pre-skip, output gain and channel
 * mapping; pre-skip and the final page's granule position trim the start
 * and the end, so the output has exactly the encoded length, at 48 kHz.
 * @module
 */
import { OpusDecoder } from "opus-decoder";
import type { DecodedAudio } from "./decoded_audio.ts";
import { mixToMono } from "./decoded_audio.ts";
import { readOggStream } from "./ogg.ts";

/** Fields of the OpusHead identification header. */
export interface OpusHead {
  version: number;
  channels: number;
  preSkip: number;
  inputSampleRate: number;
  /** Output gain in dB (Q7.8 in the file). */
  outputGainDb: number;
  mappingFamily: number;
  streamCount: number;
  coupledStreamCount: number;
  mapping: number[];
}

/** Parses an OpusHead packet; throws an Error naming `path` when it is malformed. */
export function parseOpusHead(p: Uint8Array, path: string): OpusHead {
  const magic = new TextDecoder("latin1").decode(p.subarray(0, 8));
  if (magic !== "OpusHead") throw new Error(`${path}: first Ogg packet is not an OpusHead`);
  if (p.length < 19) throw new Error(`${path}: OpusHead is ${p.length} bytes, shorter than 19`);
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const version = p[8];
  if (version >> 4 !== 0) {
    throw new Error(`${path}: unsupported Ogg Opus major version ${version >> 4}`);
  }
  const channels = p[9];
  if (channels === 0) throw new Error(`${path}: OpusHead declares zero channels`);
  const head: OpusHead = {
    version,
    channels,
    preSkip: dv.getUint16(10, true),
    inputSampleRate: dv.getUint32(12, true),
    outputGainDb: dv.getInt16(16, true) / 256,
    mappingFamily: p[18],
    streamCount: 1,
    coupledStreamCount: channels - 1,
    mapping: channels === 1 ? [0] : [0, 1],
  };
  if (head.mappingFamily === 0) {
    if (channels > 2) {
      throw new Error(`${path}: OpusHead mapping family 0 with ${channels} channels`);
    }
  } else {
    if (p.length < 21 + channels) {
      throw new Error(`${path}: OpusHead channel mapping table is truncated`);
    }
    head.streamCount = p[19];
    head.coupledStreamCount = p[20];
    head.mapping = Array.from(p.subarray(21, 21 + channels));
    if (head.streamCount === 0 || head.coupledStreamCount > head.streamCount) {
      throw new Error(
        `${path}: OpusHead declares ${head.streamCount} streams with ${head.coupledStreamCount} coupled`,
      );
    }
  }
  return head;
}

/** Decodes an Ogg Opus file held in `bytes` to mono float32 at 48 kHz. */
export async function decodeOggOpus(
  bytes: Uint8Array,
  options: { path: string },
): Promise<DecodedAudio> {
  const path = options.path;
  const stream = readOggStream(bytes, { path });
  if (stream.chained) {
    throw new Error(
      `${path}: chained Ogg Opus files (several streams in sequence) are not supported`,
    );
  }
  const packets = stream.packets;
  if (packets.length < 2) throw new Error(`${path}: Ogg Opus file has no OpusTags header`);
  const head = parseOpusHead(packets[0].data, path);
  if (!new TextDecoder("latin1").decode(packets[1].data.subarray(0, 8)).startsWith("OpusTags")) {
    throw new Error(`${path}: second Ogg Opus packet is not OpusTags`);
  }
  const decoder = new OpusDecoder({
    channels: head.channels,
    streamCount: head.streamCount,
    coupledStreamCount: head.coupledStreamCount,
    channelMappingTable: head.mapping,
    preSkip: 0, // trimmed below, together with the end
    sampleRate: 48000,
  });
  await decoder.ready;
  const maxPacket = 32000 * 0.12 * head.channels; // opus-decoder's input buffer
  const parts: Float32Array[][] = [];
  let decoded = 0;
  // Decoded samples before the first page that carries a granule position,
  // to place the stream on the granule time line (RFC 7845 §4.5).
  let firstGranule = -1;
  let samplesAtFirstGranule = 0;
  let finalGranule = -1;
  try {
    for (let i = 2; i < packets.length; i++) {
      const packet = packets[i];
      if (packet.data.length > maxPacket) {
        throw new Error(`${path}: Opus packet ${i} is ${packet.data.length} bytes, too large`);
      }
      const out = decoder.decodeFrame(packet.data);
      if (out.errors.length > 0) {
        throw new Error(`${path}: Opus packet ${i}: ${out.errors[0].message}`);
      }
      parts.push(out.channelData);
      decoded += out.samplesDecoded;
      if (packet.granule >= 0) {
        if (firstGranule < 0) {
          firstGranule = packet.granule;
          samplesAtFirstGranule = decoded;
        }
        finalGranule = packet.granule;
      }
    }
  } finally {
    decoder.free();
  }
  // Sample index i of the decoded stream sits at granule (startGranule + i).
  let startGranule = firstGranule >= 0 ? firstGranule - samplesAtFirstGranule : 0;
  if (startGranule < 0) startGranule = 0; // only valid on a one-page stream, where end trimming rules
  const begin = Math.min(decoded, Math.max(0, head.preSkip - startGranule));
  const end = finalGranule >= 0
    ? Math.min(decoded, Math.max(begin, finalGranule - startGranule))
    : decoded;
  const channels: Float32Array[] = [];
  for (let c = 0; c < head.channels; c++) {
    const full = new Float32Array(decoded);
    let o = 0;
    for (const part of parts) {
      full.set(part[c], o);
      o += part[c].length;
    }
    channels.push(full.subarray(begin, end));
  }
  let samples = mixToMono(channels);
  if (samples.buffer === channels[0].buffer) samples = samples.slice();
  if (head.outputGainDb !== 0) {
    const gain = 10 ** (head.outputGainDb / 20);
    for (let i = 0; i < samples.length; i++) samples[i] *= gain;
  }
  return { samples, sampleRate: 48000, channels: head.channels, format: "ogg/opus" };
}
