/** An element as the tiny parser below reads it: attributes and text with entities decoded. */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const TOKEN = /<\?xml[^?]*\?>|<!--[\s\S]*?-->|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/y;
const ATTR = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const REFERENCE = /&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/g;
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Parses the subset of XML 1.0 that reports write (declaration, comments, elements, attributes,
 * character data) and throws on anything not well-formed: unbalanced or crossed tags, a second
 * root, text outside the root, a raw `<` or `&` in text or an attribute, an unknown entity,
 * a duplicate attribute, a character XML forbids. No dependency, for tests only.
 */
export function parseXml(xml: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < xml.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(xml);
    if (m === null || m[6] !== undefined) throw new Error(`not well-formed at ${at}: ${xml.slice(at, at + 40)}`);
    if (m[0].startsWith('<?') && at !== 0) throw new Error('XML declaration not at the start');
    if (m[5] !== undefined) {
      const top = stack.at(-1);
      if (top === undefined) {
        if (m[5].trim() !== '') throw new Error(`text outside the root: ${m[5].slice(0, 40)}`);
      } else top.text += decode(m[5].replace(/\r\n?/g, '\n'));
      continue;
    }
    if (m[2] === undefined) continue;
    if (m[1] === '/') {
      const open = stack.pop();
      if (open?.name !== m[2]) throw new Error(`</${m[2]}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    const element: XmlElement = { name: m[2], attrs: attributes(m[3] ?? ''), children: [], text: '' };
    const parent = stack.at(-1);
    if (parent !== undefined) parent.children.push(element);
    else if (root !== undefined) throw new Error(`second root <${m[2]}>`);
    else root = element;
    if (m[4] !== '/') stack.push(element);
  }
  if (stack.length > 0) throw new Error(`<${stack.at(-1)!.name}> never closed`);
  if (root === undefined) throw new Error('no root element');
  return root;
}

/** Every element named `name` under `element` (itself included), in document order. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  const own = element.name === name ? [element] : [];
  return [...own, ...element.children.flatMap((c) => findAll(c, name))];
}

function attributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of source.matchAll(ATTR)) {
    if (Object.hasOwn(attrs, m[1]!)) throw new Error(`duplicate attribute ${m[1]}`);
    const raw = m[2] ?? m[3] ?? '';
    if (raw.includes('<')) throw new Error(`raw < in attribute ${m[1]}`);
    // Attribute-value normalization, as a real parser does it: literal whitespace becomes a space.
    attrs[m[1]!] = decode(raw.replace(/[\t\n\r]/g, ' '));
  }
  return attrs;
}

function decode(raw: string): string {
  if (NOT_XML_CHAR.test(raw)) throw new Error(`character XML forbids in ${JSON.stringify(raw.slice(0, 40))}`);
  if (raw.replace(REFERENCE, '').includes('&')) throw new Error(`bare & or unknown entity in ${raw.slice(0, 40)}`);
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return raw.replace(REFERENCE, (_, ref: string) =>
    ref.startsWith('#x') ? String.fromCodePoint(parseInt(ref.slice(2), 16)) : ref.startsWith('#') ? String.fromCodePoint(Number(ref.slice(1))) : named[ref]!,
  );
}
