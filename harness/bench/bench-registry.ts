/**
 * The registry a claim bench starts from: `batches` batches of two sites, each ready for
 * implementation (O), in a table between prose that a claim must keep. Its own copy rather than
 * the claim scenario's, so that bench workers do not load the scenarios and their checkers.
 */
export function benchRegistryText(batches: number): string {
  const rows: string[] = [];
  for (let b = 1; b <= batches; b++) {
    const batch = String(b).padStart(3, '0');
    rows.push(`| site-${batch}-1.example | ${batch} | O |`, `| site-${batch}-2.example | ${batch} | O |`);
  }
  return ['# Registry', '', 'Sites and the batch each belongs to.', '', '| Domain | Batch | Status |', '|---|---|---|', ...rows, '', 'Notes stay as they are.', ''].join('\n');
}
