import { describe, expect, it } from 'vitest';
import { until } from '../../test/helpers/until.js';
import { emptyBatch } from '../core/trace.js';
import { IngestQueue } from './ingest-queue.js';

const idleQueue = () => new IngestQueue(async () => ({ spans: 0, scores: 0, feedback: 0, events: 0 }));
const tick = () => new Promise((resolve) => setImmediate(() => resolve('later')));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('IngestQueue.quiet', () => {
  it('waits while a request is in progress and resolves once the queue has gone idle', async () => {
    const queue = idleQueue();
    queue.enter();
    let quiet = false;
    const waiting = queue.quiet(0).then(() => {
      quiet = true;
    });
    await pause(50);
    expect(quiet).toBe(false);
    queue.leave();
    await waiting;
    expect(quiet).toBe(true);
  });

  it('a queue idle for longer than the spell resolves at once, every time it is asked', async () => {
    const queue = idleQueue();
    await pause(30);
    for (let i = 0; i < 3; i++)
      expect(await Promise.race([queue.quiet(20).then(() => 'quiet'), tick()])).toBe('quiet');
  });

  it('a commit in progress counts as busy too', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const queue = new IngestQueue(async () => {
      await held;
      return { spans: 1, scores: 0, feedback: 0, events: 0 };
    });
    const batch = emptyBatch();
    batch.feedback.push({
      projectId: 'p',
      id: 'f',
      traceId: 't',
      name: 'thumbs',
      value: 1,
      comment: null,
      correction: null,
      escalated: false,
      userId: null,
      timestampMs: 0,
    });
    const committed = queue.submit(batch);
    let quiet = false;
    const waiting = queue.quiet(0).then(() => {
      quiet = true;
    });
    await pause(50);
    expect(quiet).toBe(false);
    release();
    await committed;
    await waiting;
    expect(quiet).toBe(true);
  });
});

describe('IngestQueue commits', () => {
  it('a batch submitted as soon as the previous one is acknowledged is committed too', async () => {
    const queue = new IngestQueue(async () => ({ spans: 1, scores: 0, feedback: 0, events: 0 }));
    const batch = { ...emptyBatch(), spans: [{} as never] };
    for (let i = 0; i < 3; i++)
      expect(await Promise.race([queue.submit(batch).then(() => 'committed'), pause(2000)])).toBe(
        'committed',
      );
    expect(queue.stats().commits).toBe(3);
  });

  it('between: no commit runs during the section, and commits before it were told to observers', async () => {
    const log: string[] = [];
    const queue = new IngestQueue(async () => {
      log.push('write');
      await pause(20);
      return { spans: 1, scores: 0, feedback: 0, events: 0 };
    });
    queue.observe(() => log.push('observed'));
    const batch = { ...emptyBatch(), spans: [{} as never] };
    const first = queue.submit(batch);
    await pause(5);
    const section = queue.between(async () => {
      log.push('section');
      await pause(30);
      log.push('section end');
    });
    await pause(5);
    const second = queue.submit(batch);
    await Promise.all([first, section, second]);
    expect(log).toEqual(['write', 'observed', 'section', 'section end', 'write', 'observed']);
  });
});

describe('IngestQueue room', () => {
  it("an admitted request's batch that does not fit waits for room, in order; new requests are refused meanwhile", async () => {
    const gates: (() => void)[] = [];
    const written: number[] = [];
    const queue = new IngestQueue(
      async (b) => {
        await new Promise<void>((resolve) => gates.push(resolve));
        written.push(b.spans.length);
        return { spans: b.spans.length, scores: 0, feedback: 0, events: 0 };
      },
      { capacity: 4, maxCommit: 4 },
    );
    const spans = (n: number) => ({ ...emptyBatch(), spans: Array.from({ length: n }, () => ({}) as never) });
    const acked: string[] = [];
    const submit = (name: string, n: number) => {
      queue.enter();
      return queue.submit(spans(n)).then(
        () => acked.push(name),
        () => acked.push(`${name} failed`),
      );
    };
    // Each commit is held until its gate is opened; a commit starts a moment after its submit.
    const release = async () => {
      await until('a commit to start', async () => gates.length > 0, 5_000);
      gates.shift()!();
    };
    const a = submit('a', 3);
    // b is admitted (the queue has room for one more record), but its 2 records do not fit behind a's 3.
    const b = submit('b', 2);
    // While a batch waits for room, no request is admitted: its body would wait too.
    expect(() => queue.enter()).toThrow(/queue is full/);
    expect(queue.stats()).toMatchObject({ depth: 3, refused: 1 });
    await release();
    await a;
    expect(queue.stats().depth).toBe(2);
    await release();
    await b;
    expect(acked).toEqual(['a', 'b']);
    expect(written).toEqual([3, 2]);
    expect(queue.stats()).toMatchObject({ depth: 0, committed: 5, refused: 1, failures: 0 });
  });
});

describe('IngestQueue turns', () => {
  it('admits up to maxRequests, lets maxActive read at once, and hands each turn on in order', async () => {
    const queue = new IngestQueue(async () => ({ spans: 0, scores: 0, feedback: 0, events: 0 }), {
      maxRequests: 4,
      maxActive: 2,
    });
    const order: string[] = [];
    const request = (name: string) => {
      queue.enter();
      return queue.turn().then(() => order.push(name));
    };
    const all = ['a', 'b', 'c', 'd'].map(request);
    // Admitted, not refused: a burst past maxActive waits rather than getting a 503.
    expect(() => queue.enter()).toThrow(/queue is full/);
    await tick();
    expect(order).toEqual(['a', 'b']);
    expect(queue.stats()).toMatchObject({ requests: 4, waitingTurn: 2 });
    queue.leave();
    await tick();
    expect(order).toEqual(['a', 'b', 'c']);
    queue.leave();
    await Promise.all(all);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    queue.leave();
    queue.leave();
    // Every turn given back: the next two read at once again.
    queue.enter();
    queue.enter();
    expect(await Promise.race([Promise.all([queue.turn(), queue.turn()]).then(() => 'both'), tick()])).toBe(
      'both',
    );
  });
});
