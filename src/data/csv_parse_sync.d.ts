// The part of csv-parse/sync we use, declared here because the package's own
// types reference @types/node, which changes node:assert's typings for every
// module checked with them.
export interface Info {
  lines: number;
}
export interface Options {
  delimiter?: string;
  bom?: boolean;
  skip_empty_lines?: boolean;
  relax_column_count?: boolean;
  info?: boolean;
}
export function parse(input: string, options: Options): unknown[];
