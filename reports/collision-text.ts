/**
 * Collisions in the words every report, the progress line and the checkers use:
 * `291 values handed out more than once (1718 extra holders)`.
 */
export function collisionText(c: { readonly values: number; readonly extraHolders: number }): string {
  const values = c.values === 1 ? '1 value' : `${c.values} values`;
  const holders = c.extraHolders === 1 ? '1 extra holder' : `${c.extraHolders} extra holders`;
  return `${values} handed out more than once (${holders})`;
}
