/**
 * A small XML well-formedness check for the SVG files the commands write
 * (Deno has no DOMParser): balanced, properly nested tags, quoted
 * attributes, valid entity references, one root element.
 */

const NAME = "[A-Za-z_:][-A-Za-z0-9_:.]*";
const ATTRS = `(?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*\\s*`;
const OPEN = new RegExp(`^<(${NAME})${ATTRS}(/?)>$`);
const CLOSE = new RegExp(`^</(${NAME})\\s*>$`);
const BAD_ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

/** The root element's name of a well-formed XML document; throws naming the first fault. */
export function xmlRoot(text: string): string {
  const body = text
    .replace(/^\uFEFF?\s*<\?xml[^?]*\?>/, "")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<!DOCTYPE[^>]*>/, "");
  const stack: string[] = [];
  let root: string | null = null;
  let closedRoot = false;
  let pos = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at offset ${pos}: ${why}`);
  };
  while (pos < body.length) {
    const lt = body.indexOf("<", pos);
    const textEnd = lt < 0 ? body.length : lt;
    const textPart = body.slice(pos, textEnd);
    if (BAD_ENTITY.test(textPart)) fail(`bad entity in text "${textPart.slice(0, 40)}"`);
    if (stack.length === 0 && textPart.trim() !== "") fail("text outside the root element");
    if (lt < 0) break;
    pos = lt;
    const gt = body.indexOf(">", lt);
    if (gt < 0) fail("unterminated tag");
    const tag = body.slice(lt, gt + 1);
    if (BAD_ENTITY.test(tag)) fail(`bad entity in tag ${tag.slice(0, 40)}`);
    const close = CLOSE.exec(tag);
    const open = close ? null : OPEN.exec(tag);
    if (close) {
      const top = stack.pop();
      if (top !== close[1]) fail(`</${close[1]}> closes <${top}>`);
      if (stack.length === 0) closedRoot = true;
    } else if (open) {
      if (stack.length === 0) {
        if (root !== null) fail(`second root element <${open[1]}>`);
        root = open[1];
      }
      if (open[2] !== "/") stack.push(open[1]);
      else if (stack.length === 0) closedRoot = true;
    } else {
      fail(`malformed tag ${tag.slice(0, 60)}`);
    }
    pos = gt + 1;
  }
  if (stack.length > 0) fail(`unclosed <${stack[stack.length - 1]}>`);
  if (root === null || !closedRoot) fail("no root element");
  return root!;
}
