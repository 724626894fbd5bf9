/**
 * Audio decoding: `decodeAudio(path)` gives mono float32 in [-1, 1] at the
 * file's own sample rate, for WAV, FLAC, Ogg Opus and MP3 natively and for
 * m4a, wma, Ogg Vorbis (and a few more) through ffmpeg.
 * @module
 */
export type { DecodedAudio } from "./decoded_audio.ts";
export { mixToMono } from "./decoded_audio.ts";
export type { DecodeAudioOptions } from "./decode_audio.ts";
export { decodeAudio, decodeAudioBytes } from "./decode_audio.ts";
export { decodeWav, parseWavHeader } from "./wav.ts";
export type { WavEncoding, WavHeader } from "./wav.ts";
export { decodeFlac, parseFlacHeader } from "./flac.ts";
export type { FlacDecodeOptions, FlacStreamInfo } from "./flac.ts";
export { decodeOggOpus } from "./ogg_opus.ts";
export { decodeMp3File } from "./mp3.ts";
export { decodeWithFfmpeg, ffmpegAvailable } from "./ffmpeg.ts";
