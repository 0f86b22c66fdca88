import { describe, expect, it } from 'vitest';
import { pruneCommand } from '../src/cli/prune.js';
import { openTraceStore } from '../src/store/open.js';
import { tempDir } from './helpers/suite.js';
import { span } from './helpers/trace-store-contract.js';

const DAY = 86_400_000;

describe('assay prune --older-than', () => {
  it('deletes traces older than the horizon and keeps newer ones', async () => {
    const { dir, cleanup } = tempDir('assay-prune-');
    const db = `${dir}/assay.db`;
    const now = Date.UTC(2026, 5, 1);
    const store = await openTraceStore(db);
    const p = (await store.ensureProject('default')).id;
    await store.writeIngest({
      spans: [
        span(p, 'old', 's1', { startMs: now - 40 * DAY, endMs: now - 40 * DAY + 100 }),
        span(p, 'new', 's1', { startMs: now - 2 * DAY, endMs: now - 2 * DAY + 100 }),
      ],
      scores: [],
      feedback: [],
      events: [],
    });
    await store.close();
    const lines: string[] = [];
    expect(await pruneCommand({ olderThan: '30d', db }, now, (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toMatch(/1 traces, 1 spans/);
    const after = await openTraceStore(db);
    expect(await after.getTrace(p, 'old')).toBeUndefined();
    expect(await after.getTrace(p, 'new')).toBeDefined();
    await after.close();
    await expect(pruneCommand({ olderThan: '30', db }, now)).rejects.toMatchObject({ field: '--older-than' });
    cleanup();
  });
});
