import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceStore } from '../src/core/trace-store.js';
import { createApiKey } from '../src/monitor/api-keys.js';
import { IngestQueue } from '../src/monitor/ingest-queue.js';
import type { ReviewStore } from '../src/review/store.js';
import { addUser } from '../src/review/users.js';
import { createApp } from '../src/server/app.js';
import { krippendorffAlpha } from '../src/stats/krippendorff.js';
import { createRng } from '../src/stats/random.js';
import { kyselyReviewStore } from '../src/store/review-store.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { traceStoreOn } from '../src/store/trace-store.js';

let traces: TraceStore;
let reviews: ReviewStore;
let app: ReturnType<typeof createApp>;
let apiKey: string;
let clock = Date.UTC(2026, 0, 1);
let grace = '';
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const kysely = await openSqliteStore(':memory:');
  traces = traceStoreOn(kysely);
  reviews = kyselyReviewStore(kysely.db);
  apiKey = (await createApiKey(traces, 'default')).token;
  for (const [name, role] of [
    ['alice', 'reviewer'],
    ['bob', 'reviewer'],
    ['carol', 'reviewer'],
    ['dana', 'admin'],
  ] as const)
    tokens[name] = (await addUser(reviews, traces, { name, role })).token;
  grace = (await addUser(reviews, traces, { name: 'grace', role: 'reviewer', password: 'correct horse' }))
    .signInPath;
  const queue = new IngestQueue((b) => traces.writeIngest(b));
  // Seeded trap draws: which items come when, and so what the random rater answers, is the same every run.
  const draws = createRng(7);
  app = createApp({
    store: traces,
    queue,
    reviews,
    runs: kysely,
    now: () => clock,
    random: () => draws.next(),
  });
});
afterAll(() => traces.close());

const call = async (path: string, token: string, method = 'GET', body?: unknown) => {
  const res = await app.request(`/api/v1/review${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
};

describe('review API: 3 raters, 40 items (4 traps), k = 2', () => {
  const truth = new Map<string, { quality: number; verdict: string }>();
  const posted: { item: string; user: string; quality: number; verdict: string }[] = [];

  it('an API key creates the queue and adds the items; a reviewer cannot', async () => {
    const spec = {
      name: 'answers',
      dimensions: [
        { name: 'quality', scale: [1, 5], description: 'How good is the answer', examples: ['5: exact'] },
        { name: 'verdict', labels: ['good', 'bad'] },
      ],
      raters: 2,
      trapRate: 0.05,
      guidelines: 'Rate the answer.',
    };
    expect((await call('/queues', tokens.alice as string, 'POST', spec)).status).toBe(403);
    const created = await call('/queues', apiKey, 'POST', spec);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'answers', raters: 2, trapRate: 0.05 });
    const bad = await call('/queues', apiKey, 'POST', {
      name: 'x',
      dimensions: [{ name: 'q', scale: [5, 1] }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/dimensions\[0\]\.scale/);

    const items = Array.from({ length: 40 }, (_, i) => {
      const quality = 1 + (i % 5);
      const verdict = quality >= 3 ? 'good' : 'bad';
      truth.set(`q${i}`, { quality, verdict });
      return {
        id: `q${i}`,
        input: `question ${i}`,
        output: `answer ${i}`,
        ...(i % 10 === 0 ? { gold: { quality, verdict } } : {}),
      };
    });
    const added = await call('/queues/answers/items', apiKey, 'POST', { items });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ added: 40, traps: 4 });
    expect((await call('/queues/answers/items', apiKey, 'POST', { items: items.slice(0, 1) })).status).toBe(
      409,
    );
  });

  it('every item is rated by 2 distinct raters; traps reach everyone and show no gold', async () => {
    const rng = createRng(11);
    const done = new Set<string>();
    let first = true;
    while (done.size < 3) {
      for (const name of ['alice', 'bob', 'carol']) {
        if (done.has(name)) continue;
        const next = await call('/queues/answers/next', tokens[name] as string, 'POST');
        if (next.status === 204) {
          done.add(name);
          continue;
        }
        expect(next.status).toBe(200);
        const item = next.json.item;
        expect(Object.keys(item).sort()).toEqual(['id', 'input', 'output']);
        const t = truth.get(item.id) as { quality: number; verdict: string };
        const label =
          name === 'carol'
            ? { quality: 1 + rng.nextInt(5), verdict: rng.next() < 0.5 ? 'good' : 'bad' }
            : {
                quality: Math.min(
                  5,
                  Math.max(1, t.quality + (rng.next() < 0.2 && !item.id.endsWith('0') ? 1 : 0)),
                ),
                verdict: t.verdict,
              };
        const res = await call(`/items/${item.id}/labels`, tokens[name] as string, 'POST', {
          scores: label,
          comment: 'ok',
        });
        expect(res.status).toBe(200);
        if (first) {
          // The same label posted twice stays one label.
          expect(
            (await call(`/items/${item.id}/labels`, tokens[name] as string, 'POST', { scores: label }))
              .status,
          ).toBe(200);
          first = false;
        }
        posted.push({ item: item.id, user: name, ...label });
      }
    }
    const users = await reviews.listUsers((await traces.projectByName('default'))?.id as string);
    const nameOf = new Map(users.map((u) => [u.id, u.name]));
    const queue = (await reviews.listQueues(users[0]?.projectId as string))[0];
    const rows = (await reviews.labelRows(queue?.id as string)).filter((r) => r.state === 'labelled');
    const perItem = new Map<string, string[]>();
    for (const r of rows)
      perItem.set(r.itemId, [...(perItem.get(r.itemId) ?? []), nameOf.get(r.userId) as string]);
    // One label per (item, rater), even when posted twice.
    expect(new Set(rows.map((r) => `${r.itemId}/${r.userId}`)).size).toBe(rows.length);
    for (let i = 0; i < 40; i++) {
      const raters = perItem.get(`q${i}`) ?? [];
      if (i % 10 === 0) expect(raters.sort()).toEqual(['alice', 'bob', 'carol']);
      else {
        expect(raters.length).toBe(2);
        expect(new Set(raters).size).toBe(2);
      }
    }
    expect(rows.length).toBe(36 * 2 + 4 * 3);
  });

  it('the rater answering at random is flagged; reviewers see only themselves', async () => {
    const raters = await call('/queues/answers/raters', tokens.dana as string);
    expect(raters.status).toBe(200);
    const byName = Object.fromEntries(raters.json.map((r: { user: string }) => [r.user, r]));
    expect(byName.carol).toMatchObject({ flagged: true, traps: 4 });
    expect(byName.carol.trapAccuracy).toBeLessThan(0.7);
    expect(byName.alice).toMatchObject({ flagged: false, trapAccuracy: 1 });
    expect(byName.bob).toMatchObject({ flagged: false, trapAccuracy: 1 });
    expect(byName.alice.rated + byName.bob.rated + byName.carol.rated).toBe(72);
    const own = await call('/queues/answers/raters', tokens.alice as string);
    expect(own.json.map((r: { user: string }) => r.user)).toEqual(['alice']);
    // A reviewer's own row folds the traps into `rated`: a trap count would tell them which item was one.
    expect(own.json[0]).toEqual({
      user: 'alice',
      rated: byName.alice.rated + byName.alice.traps,
      skipped: byName.alice.skipped,
    });
  });

  it('α equals krippendorffAlpha on the same ratings (traps and the flagged rater left out)', async () => {
    const agreement = await call('/queues/answers/agreement', apiKey);
    expect(agreement.status).toBe(200);
    const items = [...truth.keys()].filter((id) => !id.endsWith('0')); // q0, q10, q20, q30 are the traps
    const raters = ['alice', 'bob'];
    const matrix = (dim: 'quality' | 'verdict') =>
      raters.map((r) => items.map((id) => posted.find((p) => p.user === r && p.item === id)?.[dim] ?? null));
    expect(agreement.json.dimensions.quality.alpha).toBeCloseTo(
      krippendorffAlpha(matrix('quality'), { level: 'ordinal' }),
      12,
    );
    expect(agreement.json.dimensions.quality.n).toBe(
      items.filter((id) => raters.every((r) => posted.some((p) => p.user === r && p.item === id))).length,
    );
    const [lo, hi] = agreement.json.dimensions.quality.interval;
    expect(lo).toBeLessThanOrEqual(agreement.json.dimensions.quality.alpha);
    expect(hi).toBeGreaterThanOrEqual(agreement.json.dimensions.quality.alpha);
    expect(agreement.json.excluded).toEqual(['carol']);
    expect(agreement.json.pairs.map((p: { raters: string[] }) => p.raters.slice().sort())).toEqual([
      ['alice', 'bob'],
    ]);
    const all = await call('/queues/answers/agreement?includeFlagged=true', apiKey);
    expect(all.json.pairs.length).toBe(3);
  });

  it('export gives the aggregated labels as expected rubric scores, origin review', async () => {
    const res = await call('/queues/answers/export', apiKey);
    expect(res.status).toBe(200);
    expect(res.json.items.length).toBe(36);
    const q1 = res.json.items.find((i: { id: string }) => i.id === 'q1');
    expect(q1).toMatchObject({ origin: 'review', input: 'question 1' });
    expect(q1.expected.scores.verdict).toBe('bad');
    expect((await call('/queues/answers/export', tokens.alice as string)).status).toBe(403);
  });

  it('calibration lists disagreements with everyone’s ratings; an admin consensus becomes gold and a trap', async () => {
    const cal = await call('/queues/answers/calibration', tokens.alice as string);
    expect(cal.status).toBe(200);
    const top = cal.json.items[0];
    expect(top.ratings.length).toBe(2);
    expect(top.disagreement).toBeGreaterThan(0);
    const id = top.item.id;
    expect(
      (
        await call(`/items/${id}/consensus`, tokens.alice as string, 'POST', {
          scores: { quality: 3, verdict: 'good' },
        })
      ).status,
    ).toBe(403);
    const ok = await call(`/items/${id}/consensus`, tokens.dana as string, 'POST', {
      scores: { quality: 3, verdict: 'good' },
      trap: true,
    });
    expect(ok.status).toBe(200);
    expect((await reviews.getItem(id))?.gold).toEqual({ quality: 3, verdict: 'good' });
  });
});

describe('review API: leases, skips, creators', () => {
  it('a lease returns an abandoned item; a skip is final; the creator never rates their item', async () => {
    const admin = tokens.dana as string;
    expect(
      (
        await call('/queues', admin, 'POST', {
          name: 'lease',
          dimensions: [{ name: 'ok', labels: ['y', 'n'] }],
          raters: 1,
        })
      ).status,
    ).toBe(201);
    await call('/queues/lease/items', admin, 'POST', { items: [{ id: 'L1', input: 'a', output: 'b' }] });
    expect((await call('/queues/lease/next', admin, 'POST')).status).toBe(204); // dana created it
    const a = await call('/queues/lease/next', tokens.alice as string, 'POST');
    expect(a.json.item.id).toBe('L1');
    expect((await call('/queues/lease/next', tokens.alice as string, 'POST')).json.item.id).toBe('L1'); // still hers
    // Her progress: nothing done, one item (her lease) left; bob has nothing left while she holds it.
    // A reviewer's bar is their own: no queue-wide counts (items, traps, completion) to tell traps by.
    expect((await call('/queues/lease', tokens.alice as string)).json.progress).toEqual({
      mine: 0,
      left: 1,
    });
    const listed = (await call('/queues', tokens.alice as string)).json.queues;
    expect(listed.find((q: { name: string }) => q.name === 'lease').progress).toEqual({ mine: 0, left: 1 });
    expect((await call('/queues/lease', admin)).json.progress).toMatchObject({ items: 1, traps: 0, mine: 0 });
    expect((await call('/queues/lease', tokens.bob as string)).json.progress).toMatchObject({
      mine: 0,
      left: 0,
    });
    expect((await call('/queues/lease/next', tokens.bob as string, 'POST')).status).toBe(204);
    clock += 31 * 60_000;
    expect((await call('/queues/lease/next', tokens.bob as string, 'POST')).json.item.id).toBe('L1');
    const skip = await call('/items/L1/labels', tokens.bob as string, 'POST', {
      skipped: true,
      reason: 'not English',
    });
    expect(skip.json).toEqual({ item: 'L1', skipped: true });
    expect((await call('/queues/lease/next', tokens.bob as string, 'POST')).status).toBe(204);
    expect((await call('/queues/lease/next', tokens.carol as string, 'POST')).json.item.id).toBe('L1');
    const wrong = await call('/items/L1/labels', tokens.carol as string, 'POST', { scores: { ok: 'maybe' } });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.message).toMatch(/scores\.ok/);
    expect(
      (await call('/items/L1/labels', tokens.dana as string, 'POST', { scores: { ok: 'y' } })).status,
    ).toBe(403);
    expect((await call('/queues/lease/next', apiKey, 'POST')).status).toBe(403);
    expect((await call('/queues', 'assay_u_nope')).status).toBe(401);
  });
});

describe('review API: a label needs the assignment', () => {
  const label = (id: string, who: string, body: unknown = { scores: { ok: 'y' } }) =>
    call(`/items/${id}/labels`, tokens[who] as string, 'POST', body);

  it('a rater who was not given the item is 409 naming it; re-posting one’s own label stays one label', async () => {
    await call('/queues', apiKey, 'POST', {
      name: 'held',
      dimensions: [{ name: 'ok', labels: ['y', 'n'] }],
      raters: 1,
      trapRate: 0,
    });
    const notes = { judge: { 'rubric.ok': { score: 1, reason: 'terse' } } };
    const badNotes = await call('/queues/held/items', apiKey, 'POST', {
      items: [{ input: 'x', output: 'y', metadata: 'judge says no' }],
    });
    expect(badNotes.json.error.message).toBe('items[0].metadata: expected an object');
    await call('/queues/held/items', apiKey, 'POST', {
      items: ['H1', 'H2', 'H3'].map((id) => ({
        id,
        input: id,
        output: id,
        ...(id === 'H1' ? { metadata: notes } : {}),
      })),
    });
    const direct = await label('H1', 'alice');
    expect(direct.status).toBe(409);
    expect(direct.json.error).toEqual({
      code: 'conflict',
      message: 'item H1 is not assigned to you: call POST /api/v1/review/queues/held/next',
    });
    // A skip needs the item as much as a label does.
    expect((await label('H1', 'alice', { skipped: true, reason: 'x' })).status).toBe(409);
    // Notes (`metadata`) are shown to the rater with the item.
    expect((await call('/queues/held/next', tokens.alice as string, 'POST')).json.item).toEqual({
      id: 'H1',
      input: 'H1',
      output: 'H1',
      metadata: notes,
    });
    expect((await label('H1', 'alice')).status).toBe(200);
    expect((await label('H1', 'alice', { scores: { ok: 'n' } })).status).toBe(200);
    // k = 1 and alice has it: bob cannot push it to two raters by posting.
    expect((await label('H1', 'bob')).json.error.message).toBe(
      'item H1 is not assigned to you: call POST /api/v1/review/queues/held/next',
    );
    const queue = (await reviews.listQueues((await traces.projectByName('default'))?.id as string)).find(
      (q) => q.name === 'held',
    );
    const rows = (await reviews.labelRows(queue?.id as string)).filter((r) => r.itemId === 'H1');
    expect(rows.map((r) => [r.state, r.scores])).toEqual([['labelled', { ok: 'n' }]]);
  });

  it('after the lease runs out, a label is taken only while the item has room under k; a skip is final', async () => {
    // bob lets his lease on H2 lapse; nobody took it meanwhile, so his late label still counts.
    expect((await call('/queues/held/next', tokens.bob as string, 'POST')).json.item.id).toBe('H2');
    clock += 31 * 60_000;
    expect((await label('H2', 'bob')).status).toBe(200);
    // carol lets H3 lapse and alice takes it: carol's late label would make two raters with k = 1.
    expect((await call('/queues/held/next', tokens.carol as string, 'POST')).json.item.id).toBe('H3');
    clock += 31 * 60_000;
    expect((await call('/queues/held/next', tokens.alice as string, 'POST')).json.item.id).toBe('H3');
    const late = await label('H3', 'carol');
    expect(late.status).toBe(409);
    expect(late.json.error.message).toBe(
      'item H3 has its 1 rater(s) already and your lease ran out: call POST /api/v1/review/queues/held/next',
    );
    expect((await label('H3', 'alice')).status).toBe(200);
    // A skip frees nothing, so carol may still skip what she was given; after that she cannot label it.
    expect((await label('H3', 'carol', { skipped: true, reason: 'late' })).status).toBe(200);
    expect((await label('H3', 'carol')).json.error.message).toBe(
      'you skipped item H3 (a skip is final): call POST /api/v1/review/queues/held/next',
    );
  });

  it('a trap is answered only by a rater it was served to', async () => {
    await call('/queues', apiKey, 'POST', {
      name: 'trapped',
      dimensions: [{ name: 'ok', labels: ['y', 'n'] }],
      raters: 1,
      trapRate: 0,
    });
    await call('/queues/trapped/items', apiKey, 'POST', {
      items: [{ id: 'T1', input: 't', output: 't', gold: { ok: 'y' } }],
    });
    expect((await label('T1', 'bob')).status).toBe(409);
    expect((await call('/queues/trapped/next', tokens.bob as string, 'POST')).json.item.id).toBe('T1');
    // Traps go to every rater: a lapsed lease on one still lets its rater answer.
    clock += 31 * 60_000;
    expect((await label('T1', 'bob')).status).toBe(200);
    expect((await label('T1', 'carol')).status).toBe(409);
  });
});

describe('review API: pairwise items', () => {
  it("each rater sees the two outputs in an order of their own; answers are stored in the item's order", async () => {
    const admin = tokens.dana as string;
    const made = await call('/queues', admin, 'POST', {
      name: 'pairs',
      dimensions: [{ name: 'better', labels: ['A', 'B', 'tie'] }],
      raters: 3,
      trapRate: 0,
    });
    expect(made.status).toBe(201);
    const bad = await call('/queues/pairs/items', admin, 'POST', {
      items: [{ input: 'q', outputs: ['only one'] }],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/items\[0\]\.outputs/);
    const items = Array.from({ length: 8 }, (_, i) => ({
      id: `P${i}`,
      input: `question ${i}`,
      outputs: [`first ${i}`, `second ${i}`],
    }));
    expect((await call('/queues/pairs/items', admin, 'POST', { items })).status).toBe(201);
    const orders = new Set<string>();
    for (const name of ['alice', 'bob', 'carol']) {
      const token = tokens[name] as string;
      for (;;) {
        const next = await call('/queues/pairs/next', token, 'POST');
        if (next.status === 204) break;
        const item = next.json.item;
        expect(Object.keys(item).sort()).toEqual(['id', 'input', 'outputs']);
        const swapped = item.outputs[0].startsWith('second');
        orders.add(swapped ? 'swapped' : 'as given');
        // Asking again (a reload) shows the same order.
        expect((await call('/queues/pairs/next', token, 'POST')).json.item.outputs).toEqual(item.outputs);
        // The rater prefers the output shown first, and is told back what they said.
        const res = await call(`/items/${item.id}/labels`, token, 'POST', { scores: { better: 'A' } });
        expect(res.json.scores).toEqual({ better: 'A' });
        const users = await reviews.listUsers((await traces.projectByName('default'))?.id as string);
        const me = users.find((u) => u.name === name)?.id;
        const queue = (await reviews.listQueues(users[0]?.projectId as string)).find(
          (q) => q.name === 'pairs',
        );
        const row = (await reviews.labelRows(queue?.id as string)).find(
          (r) => r.itemId === item.id && r.userId === me,
        );
        expect(row?.scores).toEqual({ better: swapped ? 'B' : 'A' });
      }
    }
    // 24 coin flips: both orders occur (all alike has a chance of 2^-23).
    expect([...orders].sort()).toEqual(['as given', 'swapped']);
  });
});

describe('people sign in', () => {
  const cookiesOf = (res: Response) =>
    (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');

  it('the sign-in link sets the session cookie and redirects to /; the session acts as that person', async () => {
    const res = await app.request(grace);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const setCookies = res.headers.getSetCookie();
    expect(setCookies.find((c) => c.startsWith('assay_session='))).toMatch(/HttpOnly/i);
    const cookie = cookiesOf(res);
    const csrf = /assay_csrf=([^;]+)/.exec(cookie)?.[1] as string;
    const next = await app.request('/api/v1/review/queues/answers/next', {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(next.status).toBe(200);
    const noCsrf = await app.request('/api/v1/review/queues/answers/next', {
      method: 'POST',
      headers: { cookie },
    });
    expect(noCsrf.status).toBe(403);
    expect((await app.request('/login?token=assay_u_wrong')).status).toBe(401);
    // The web app asks who is signed in, to show a reviewer only the review pages.
    const who = await app.request('/api/v1/session', { headers: { cookie } });
    expect(await who.json()).toMatchObject({ user: { name: 'grace', role: 'reviewer' } });
  });

  it('password sign-in with the scrypt-hashed password; a wrong one is refused', async () => {
    const post = (body: unknown) =>
      app.request('/api/v1/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await post({ name: 'grace', password: 'correct horse' });
    expect(ok.status).toBe(200);
    expect(cookiesOf(ok)).toMatch(/assay_session=/);
    expect((await post({ name: 'grace', password: 'wrong horse' })).status).toBe(401);
  });
});

describe('a reviewer reaches only review work; admins and API keys reach everything', () => {
  const as = async (path: string, token: string, method = 'GET', body?: unknown, cookie?: string) => {
    const res = await app.request(path, {
      method,
      headers: {
        ...(cookie ? { cookie } : { authorization: `Bearer ${token}` }),
        'content-type': 'application/json',
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const refused: [string, string, unknown?][] = [
    ['GET', '/api/v1/runs'],
    ['GET', '/api/v1/runs/some-run'],
    ['GET', '/api/v1/compare?baseline=a&candidate=b'],
    ['GET', '/api/v1/traces'],
    ['GET', '/api/v1/metrics'],
    ['GET', '/api/v1/metrics/traffic'],
    ['GET', '/api/v1/monitor/alerts'],
    ['POST', '/api/v1/ingest', { events: [] }],
    ['POST', '/api/v1/feedback', { traceId: 't', value: 1 }],
    ['POST', '/api/v1/review/queues', { name: 'mine', dimensions: [{ name: 'ok', labels: ['y'] }] }],
    ['POST', '/api/v1/review/queues/answers/items', { items: [{ input: 'x', output: 'y' }] }],
    ['GET', '/api/v1/review/queues/answers/agreement'],
    ['GET', '/api/v1/review/queues/answers/export'],
    ['POST', '/api/v1/review/items/L1/consensus', { scores: { ok: 'y' } }],
  ];

  it('a reviewer’s token is 403 with a JSON reason on runs, traces, metrics, ingestion and queue administration', async () => {
    for (const [method, path, body] of refused) {
      const res = await as(path, tokens.alice as string, method, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json.error.code, path).toBe('forbidden');
      expect(res.json.error.message, path).toMatch(/reviewer reaches only review work/);
    }
  });

  it('a reviewer still lists and opens queues, gets the next item, labels it and sees their own row', async () => {
    const alice = tokens.alice as string;
    expect((await as('/api/v1/review/queues', alice)).status).toBe(200);
    expect((await as('/api/v1/review/queues/answers', alice)).status).toBe(200);
    const raters = await as('/api/v1/review/queues/answers/raters', alice);
    expect(raters.status).toBe(200);
    expect(raters.json.map((r: { user: string }) => r.user)).toEqual(['alice']);
    expect((await as('/api/v1/review/queues/answers/calibration', alice)).status).toBe(200);
    await as('/api/v1/review/queues', apiKey, 'POST', {
      name: 'scope',
      dimensions: [{ name: 'ok', labels: ['y', 'n'] }],
      raters: 1,
      trapRate: 0,
    });
    await as('/api/v1/review/queues/scope/items', apiKey, 'POST', {
      items: [{ id: 'S1', input: 'q', output: 'a' }],
    });
    const next = await as('/api/v1/review/queues/scope/next', alice, 'POST');
    expect(next.status).toBe(200);
    expect(next.json.item.id).toBe('S1');
    expect((await as('/api/v1/review/items/S1/labels', alice, 'POST', { scores: { ok: 'y' } })).status).toBe(
      200,
    );
  });

  it('a reviewer’s session cookie is held to the same routes', async () => {
    const res = await app.request(grace);
    const cookie = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
    expect((await as('/api/v1/runs', '', 'GET', undefined, cookie)).status).toBe(403);
    expect((await as('/api/v1/traces', '', 'GET', undefined, cookie)).status).toBe(403);
    expect((await as('/api/v1/review/queues', '', 'GET', undefined, cookie)).status).toBe(200);
  });

  it('an admin user and an API key reach every route of their project', async () => {
    for (const token of [tokens.dana as string, apiKey]) {
      for (const path of [
        '/api/v1/runs',
        '/api/v1/traces',
        '/api/v1/metrics',
        '/api/v1/review/queues/answers/agreement',
        '/api/v1/review/queues/answers/export',
      ])
        expect((await as(path, token)).status, path).toBe(200);
    }
    const ingest = await as('/api/v1/ingest', tokens.dana as string, 'POST', { events: [] });
    expect(ingest.status).not.toBe(403);
  });
});
