/**
 * The audio extensions a folder or single-file dataset accepts.
 * @module
 */

/** Upstream's default `--audio-formats`. */
export const DEFAULT_AUDIO_FORMATS: readonly string[] = [
  "flac",
  "mp3",
  "m4a",
  "ogg",
  "opus",
  "wav",
  "wma",
];

/** Lower-case extensions with a leading dot ("WAV" and ".wav" → ".wav"). */
export function normaliseFormats(formats: readonly string[]): Set<string> {
  return new Set(formats.map((f) => (f.startsWith(".") ? f : `.${f}`).toLowerCase()));
}
