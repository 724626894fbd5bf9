// The part of csv-stringify/sync we use (see csv_parse_sync.d.ts for why).
export interface Options {
  delimiter?: string;
  record_delimiter?: string;
}
export function stringify(input: string[][], options?: Options): string;
