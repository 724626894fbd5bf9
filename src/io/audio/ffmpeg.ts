/**
 * Decoding through an external `ffmpeg` for the formats we do not decode
 * natively (m4a/AAC, wma, Ogg Vorbis, Ogg FLAC, ADPCM WAV, …). ffmpeg writes
 * float32 WAV with every channel at the native sample rate to a pipe; our
 * WAV decoder reads it and averages the channels, the same mean-to-mono as
 * every other format (ffmpeg's own `-ac 1` would apply surround mix levels).
 * The binary is `$BALR_FFMPEG` or `ffmpeg` on PATH.
 * @module
 */
import type { DecodedAudio } from "./decoded_audio.ts";
import { decodeWav } from "./wav.ts";

/** The ffmpeg command to run. */
export function ffmpegBinary(): string {
  try {
    return Deno.env.get("BALR_FFMPEG") || "ffmpeg";
  } catch {
    return "ffmpeg"; // no env permission
  }
}

let available: Promise<boolean> | undefined;

/** Whether ffmpeg can be started (checked once per process). */
export function ffmpegAvailable(): Promise<boolean> {
  available ??= (async () => {
    try {
      const r = await new Deno.Command(ffmpegBinary(), {
        args: ["-hide_banner", "-version"],
        stdout: "null",
        stderr: "null",
        stdin: "null",
      }).output();
      return r.success;
    } catch {
      return false;
    }
  })();
  return available;
}

/**
 * Decodes `path` with ffmpeg to mono float32 at the file's sample rate.
 * `what` names the format in messages (e.g. "m4a"). Throws an Error naming
 * the file when ffmpeg is missing (saying how to install it) or fails.
 */
export async function decodeWithFfmpeg(path: string, what: string): Promise<DecodedAudio> {
  const bin = ffmpegBinary();
  let result: Deno.CommandOutput;
  try {
    result = await new Deno.Command(bin, {
      args: [
        "-nostdin",
        "-v",
        "error",
        "-i",
        path,
        "-map",
        "0:a:0",
        "-vn",
        "-c:a",
        "pcm_f32le",
        "-f",
        "wav",
        "pipe:1",
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(
        `${path}: decoding ${what} audio needs ffmpeg, which was not found on PATH ` +
          `(install it, e.g. "apt-get install ffmpeg", or set BALR_FFMPEG)`,
      );
    }
    throw new Error(`${path}: could not run ${bin}: ${(e as Error).message}`, { cause: e });
  }
  if (!result.success) {
    const msg = new TextDecoder().decode(result.stderr).trim().split("\n").slice(-3).join(" | ");
    throw new Error(
      `${path}: ffmpeg could not decode this ${what} file: ${msg || `exit ${result.code}`}`,
    );
  }
  const audio = decodeWav(result.stdout, { path: `${path} (ffmpeg output)` });
  if (audio.samples.length === 0) {
    throw new Error(`${path}: ffmpeg decoded no audio from this ${what} file`);
  }
  return { ...audio, format: `${what} (ffmpeg)` };
}
