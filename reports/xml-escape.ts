/**
 * Text that XML 1.0 cannot hold at all, even escaped: C0 controls other than tab, newline and
 * carriage return, U+FFFE/U+FFFF, and surrogates without their pair. Stripped, not escaped.
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Character data for an element's body: `&`, `<`, `>` escaped, characters XML forbids removed. */
export function xmlText(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>]|\r/g, (c) => ENTITIES[c]!);
}

/**
 * An attribute value (for double or single quotes): `&`, `<`, `>`, `"`, `'` escaped, and tab,
 * newline and carriage return as character references, since a parser would otherwise turn them
 * into spaces; characters XML forbids removed.
 */
export function xmlAttr(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"'\t\n\r]/g, (c) => ENTITIES[c]!);
}
