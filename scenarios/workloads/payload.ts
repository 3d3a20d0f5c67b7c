// Payloads that prove themselves whole: a header naming the payload, a body derived from its name,
// and a trailer repeating both. Any torn, mixed or truncated copy fails `parsePayload`.

const BODY_BYTES = 32 * 1024;

/** The full content of the payload called `id`. */
export function makePayload(id: string): string {
  const unit = `${id};`;
  const body = unit.repeat(Math.ceil(BODY_BYTES / unit.length)).slice(0, BODY_BYTES);
  return `payload ${id}\n${body}\nend ${id} ${BODY_BYTES}\n`;
}

/** The payload's id if `text` is exactly one whole payload, else null. */
export function parsePayload(text: string): string | null {
  const m = /^payload (\S+)\n/.exec(text);
  if (m === null) return null;
  return text === makePayload(m[1]!) ? m[1]! : null;
}
