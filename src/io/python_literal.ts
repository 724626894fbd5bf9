/**
 * A parser for the few Python literals that file headers hold (the `.npy`
 * header is a dict repr): strings, ints, True/False/None, tuples, lists and
 * dicts. Nothing is evaluated.
 * @module
 */

/** A parsed literal: tuples and lists are arrays, dicts are Maps. */
export type PythonLiteral =
  | string
  | number
  | boolean
  | null
  | PythonLiteral[]
  | Map<string, PythonLiteral>;

/** Parses one literal (surrounding whitespace allowed); throws SyntaxError on anything else. */
export function parsePythonLiteral(text: string): PythonLiteral {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at character ${i} of ${JSON.stringify(text.slice(0, 120))}`);
  };
  const value = (): PythonLiteral => {
    ws();
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail("unterminated string");
      const s = text.slice(i + 1, end);
      if (s.includes("\\")) fail("escapes in strings are not supported");
      i = end + 1;
      return s;
    }
    if (c === "(" || c === "[") {
      const close = c === "(" ? ")" : "]";
      i++;
      const items: PythonLiteral[] = [];
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          return items;
        }
        items.push(value());
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== close) fail(`expected , or ${close}`);
      }
    }
    if (c === "{") {
      i++;
      const d = new Map<string, PythonLiteral>();
      for (;;) {
        ws();
        if (text[i] === "}") {
          i++;
          return d;
        }
        const k = value();
        if (typeof k !== "string") fail("dict keys must be strings");
        ws();
        if (text[i] !== ":") fail("expected :");
        i++;
        d.set(k as string, value());
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== "}") fail("expected , or }");
      }
    }
    const m = /^(True|False|None|[-+]?\d+L?)/.exec(text.slice(i, i + 32));
    if (!m) return fail("unexpected token");
    i += m[0].length;
    if (m[0] === "True") return true;
    if (m[0] === "False") return false;
    if (m[0] === "None") return null;
    return Number(m[0].replace("L", ""));
  };
  const v = value();
  ws();
  if (i !== text.length) fail("trailing characters");
  return v;
}
