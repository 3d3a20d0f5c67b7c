/** Groups `items` by `key`, keeping each group in input order; groups iterate in first-seen order. */
export function groupBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

/** The groups of `groupBy(items, (x) => x.iteration)`, in ascending iteration order. */
export function byIteration<T extends { readonly iteration: number }>(items: Iterable<T>): [number, T[]][] {
  return [...groupBy(items, (x) => x.iteration)].sort(([a], [b]) => a - b);
}
