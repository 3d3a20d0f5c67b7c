/**
 * Turns any value into plain JSON data, so a report never throws on what a checker put in an
 * example: bigints become decimal strings, a reference back to an ancestor becomes
 * `"[Circular]"`, errors become `{ name, message }`, maps and sets become arrays, values with a
 * `toJSON` (dates) are replaced by its result; functions and symbols are dropped as
 * `JSON.stringify` drops them. Object keys keep their order.
 */
export function toJsonData(value: unknown): unknown {
  return convert(value, new Set());
}

/**
 * One-line JSON of any value, cut to at most `maxChars` characters (the last one then `…`),
 * never splitting a surrogate pair. `undefined` renders as `undefined`.
 */
export function compactJson(value: unknown, maxChars = 200): string {
  const text = JSON.stringify(toJsonData(value)) ?? 'undefined';
  return truncate(text, maxChars);
}

/** `text` cut to at most `maxChars` characters, the last one then `…`. */
export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let cut = text.slice(0, Math.max(0, maxChars - 1));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}

function convert(value: unknown, ancestors: Set<object>): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.has(value)) return '[Circular]';
  ancestors.add(value);
  try {
    if (value instanceof Error) return { name: value.name, message: value.message };
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      return convert((value as { toJSON(): unknown }).toJSON(), ancestors);
    }
    if (value instanceof Map) return [...value].map((entry) => convert(entry, ancestors));
    if (value instanceof Set) return [...value].map((item) => convert(item, ancestors));
    if (Array.isArray(value)) return value.map((item) => convert(item, ancestors) ?? null);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const converted = convert(item, ancestors);
      // Defined, not assigned, so a "__proto__" key from parsed data stays a key.
      if (converted !== undefined) Object.defineProperty(out, key, { value: converted, enumerable: true, writable: true, configurable: true });
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}
