/**
 * ID3v2 tags, which MP3 and some FLAC files carry before the audio.
 * @module
 */

/** Byte length of an ID3v2 tag starting at `at` (header, body, footer), 0 when there is none. */
export function id3v2Length(bytes: Uint8Array, at = 0): number {
  if (bytes.length < at + 10) return 0;
  if (bytes[at] !== 0x49 || bytes[at + 1] !== 0x44 || bytes[at + 2] !== 0x33) return 0;
  // The size is "synchsafe": four 7-bit groups.
  const size = (bytes[at + 6] & 0x7f) * 2 ** 21 + (bytes[at + 7] & 0x7f) * 2 ** 14 +
    (bytes[at + 8] & 0x7f) * 2 ** 7 + (bytes[at + 9] & 0x7f);
  const footer = bytes[at + 5] & 0x10 ? 10 : 0;
  return 10 + size + footer;
}
