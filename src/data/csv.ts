/**
 * Delimited text through csv-parse and csv-stringify (MIT), typed locally.
 * @module
 */
// @ts-types="./csv_parse_sync.d.ts"
import { parse } from "csv-parse/sync";
// @ts-types="./csv_stringify_sync.d.ts"
import { stringify } from "csv-stringify/sync";

/** A parsed record with the line where it ends (1-based). */
export interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/**
 * Parses delimited text (quotes as in RFC 4180, a BOM skipped, empty lines
 * skipped, rows of any length); throws the parser's error on malformed quoting.
 */
export function parseCsvRecords(text: string, options: { delimiter?: string } = {}): CsvRecord[] {
  return parse(text, {
    delimiter: options.delimiter ?? ",",
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
  }) as CsvRecord[];
}

/** Writes rows as delimited text, quoting only cells that need it, "\n" after each row. */
export function stringifyCsv(rows: string[][], options: { delimiter?: string } = {}): string {
  return stringify(rows, { delimiter: options.delimiter ?? ",", record_delimiter: "\n" });
}
