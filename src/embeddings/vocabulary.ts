/**
 * A word list searchable without building a Map of 341 000 strings (which costs about a second at
 * every start): the words sorted in one UTF-8 blob, found by binary search in ~19 comparisons.
 */
export interface Vocabulary {
  size: number;
  /** The word's row in the vector table (its frequency rank unless the table has `ranks`), or undefined. */
  rankOf(word: string): number | undefined;
}

/** The parts a vocabulary is stored as; `offsets` has size + 1 entries into `blob`. */
export interface VocabularyParts {
  blob: Buffer;
  offsets: Uint32Array;
  /** `ranks[i]` is the rank of the i-th word in sorted order. */
  ranks: Uint32Array;
}

/** Sorts words given in rank order into the searchable parts. */
export function vocabularyParts(wordsByRank: string[]): VocabularyParts {
  const order = wordsByRank.map((_, i) => i);
  order.sort((a, b) => {
    const x = wordsByRank[a]!;
    const y = wordsByRank[b]!;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const encoded = order.map((r) => Buffer.from(wordsByRank[r]!, 'utf8'));
  const offsets = new Uint32Array(order.length + 1);
  encoded.forEach((b, i) => {
    offsets[i + 1] = offsets[i]! + b.length;
  });
  return { blob: Buffer.concat(encoded), offsets, ranks: Uint32Array.from(order) };
}

export function vocabularyFrom(parts: VocabularyParts): Vocabulary {
  const { blob, offsets, ranks } = parts;
  const size = ranks.length;
  const wordAt = (i: number) => blob.toString('utf8', offsets[i]!, offsets[i + 1]!);
  // Texts repeat their words: lookups are remembered, all forgotten at a bound (unknown words are
  // endless). A Map vocabulary (`vocabularyFromWords`) needs no such memo: a lookup is one already.
  const seen = new Map<string, number | undefined>();
  return {
    size,
    rankOf(word) {
      if (seen.has(word)) return seen.get(word);
      const rank = search(word);
      if (seen.size >= 200_000) seen.clear();
      seen.set(word, rank);
      return rank;
    },
  };

  function search(word: string): number | undefined {
    let lo = 0;
    let hi = size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const w = wordAt(mid);
      if (w === word) return ranks[mid];
      if (w < word) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

/** A vocabulary from words in row order, for a list small enough (tens of thousands) for a Map. */
export function vocabularyFromWords(wordsByRow: string[]): Vocabulary {
  const rows = new Map<string, number>();
  for (const [row, word] of wordsByRow.entries()) rows.set(word, row);
  return { size: rows.size, rankOf: (word) => rows.get(word) };
}
