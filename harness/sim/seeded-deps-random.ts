import type { Random } from '../../core/deps.ts';
import { seededRandom } from '../stats/prng.ts';

/** A Random for the primitives that replays from its seeds: same seeds, same tokens and nonces, same jitter. */
export function seededDepsRandom(...seeds: number[]): Random {
  const next = seededRandom(...seeds);
  return {
    next,
    hex(bytes) {
      let out = '';
      for (let i = 0; i < bytes; i++)
        out += Math.floor(next() * 256)
          .toString(16)
          .padStart(2, '0');
      return out;
    },
  };
}
