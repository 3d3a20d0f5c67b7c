/**
 * A small seeded generator (mulberry32): the same seed gives the same choices on every runtime, so
 * a run's random decisions (batch sizes, kill times) replay from its printed seed.
 */
export function seededRandom(...seeds: number[]): () => number {
  let a = 0x9e3779b9;
  for (const s of seeds) a = (Math.imul(a ^ (s >>> 0), 0x85ebca6b) + 0x632be59) | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
