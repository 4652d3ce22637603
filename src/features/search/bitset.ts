/**
 * Fixed-size bitsets over entry positions (position 0 = the newest published entry), the building
 * block of the in-memory search index. Plain Uint32Array words so OR/AND/popcount run as tight loops.
 */
export type Bitset = Uint32Array;

export function createBitset(size: number): Bitset {
  return new Uint32Array(Math.ceil(size / 32));
}

export function setBit(bits: Bitset, position: number): void {
  bits[position >>> 5]! |= 1 << (position & 31);
}

export function hasBit(bits: Bitset, position: number): boolean {
  return (bits[position >>> 5]! & (1 << (position & 31))) !== 0;
}

/** target |= source */
export function orInto(target: Bitset, source: Bitset): void {
  for (let i = 0; i < target.length; i++) target[i]! |= source[i]!;
}

/** target &= source */
export function andInto(target: Bitset, source: Bitset): void {
  for (let i = 0; i < target.length; i++) target[i]! &= source[i]!;
}

/** A bitset with the first `size` positions set. */
export function fullBitset(size: number): Bitset {
  const bits = createBitset(size);
  bits.fill(0xffffffff);
  const rest = size & 31;
  if (rest !== 0) bits[bits.length - 1] = (1 << rest) - 1;
  return bits;
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function popcount(bits: Bitset): number {
  let n = 0;
  for (let i = 0; i < bits.length; i++) n += popcount32(bits[i]!);
  return n;
}

/**
 * Positions of the set bits number `skip` to `skip + take - 1`, in ascending order: a page of results.
 * Whole words are skipped by their popcount, so a deep page costs no more than a walk over the words.
 */
export function slicePositions(bits: Bitset, skip: number, take: number): number[] {
  const out: number[] = [];
  let toSkip = skip;
  for (let i = 0; i < bits.length && out.length < take; i++) {
    let word = bits[i]!;
    if (word === 0) continue;
    const count = popcount32(word);
    if (toSkip >= count) {
      toSkip -= count;
      continue;
    }
    while (word !== 0 && out.length < take) {
      const low = word & -word;
      if (toSkip > 0) toSkip--;
      else out.push(i * 32 + (31 - Math.clz32(low)));
      word ^= low;
    }
  }
  return out;
}
