import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, chromiumMissing, HAVE_CHROMIUM, launchChromium } from './helpers/chromium.js';
import { runCli } from './helpers/cli.js';
import { expectFits, expectInert, pageLog, shot, watchPage } from './helpers/page-checks.js';
import { startAssayServe } from './helpers/web-server.js';

if (!HAVE_CHROMIUM) console.warn(chromiumMissing('review-web-e2e'));

/** Item content a hostile model or user could produce: none of it may run or become a live link. */
const HOSTILE_OUTPUT =
  'Reset it under Settings. <script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> <a href="javascript:window.__pwned = 3">click</a>';
const HOSTILE_COMMENT = 'clear answer <script>window.__pwned = 4</script>';

describe.skipIf(!HAVE_CHROMIUM)(
  `the review pages in headless Chromium${HAVE_CHROMIUM ? '' : ` (skipped: no ${CHROMIUM})`}`,
  () => {
    let dir: string;
    let db: string;
    let server: Awaited<ReturnType<typeof startAssayServe>>;
    let browser: Browser;
    let page: Page;
    const users: Record<string, { token: string; link: string }> = {};
    const log = pageLog();

    /** Nothing from the data ran or is live, and the item's content added no script or image to the page. */
    const inert = async (p: Page, where: string) => {
      await expectInert(p, log, where);
      expect(await p.locator('main script, main img').count(), where).toBe(0);
    };
    const watch = (p: Page) => watchPage(p, log);
    /** The review API as a script would call it. */
    const call = async (path: string, token: string, method = 'GET', body?: unknown) => {
      const res = await fetch(`${server.url}/api/v1/review${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'assay-review-e2e-'));
      db = join(dir, 'assay.db');
      server = await startAssayServe(db);
      for (const [name, role] of [
        ['rita', 'reviewer'],
        ['sam', 'reviewer'],
        ['tom', 'reviewer'],
        ['uma', 'reviewer'],
        ['ada', 'admin'],
      ] as const) {
        const res = await runCli(['users', 'add', name, '--role', role, '--db', db], { cwd: dir });
        expect(res.code, res.stderr).toBe(0);
        const [token, link] = res.stdout.trim().split('\n');
        users[name] = { token: token as string, link: (link as string).replace('sign in: ', '') };
      }
      // The admin's API key creates the queue and its items.
      const key = server.key;
      const created = await call('/queues', key, 'POST', {
        name: 'support-answers',
        dimensions: [
          {
            name: 'correctness',
            scale: [1, 5],
            description: 'Are the facts right, judged against the reference and the contexts?',
            examples: ['5: every claim is right and supported', '1: the main claim is wrong'],
          },
          {
            name: 'tone',
            labels: ['friendly', 'neutral', 'rude'],
            description: 'How the answer sounds to the customer.',
          },
        ],
        raters: 3,
        trapRate: 0,
        guidelines:
          'Read the whole conversation first. Score what the assistant said, not what it should have said. <b>Not bold</b>',
      });
      expect(created.status).toBe(201);
      const items = [
        {
          id: 'a1',
          input: {
            messages: [
              { role: 'user', content: 'How do I reset my password? <script>window.__pwned = 5</script>' },
            ],
          },
          output: HOSTILE_OUTPUT,
          contexts: [
            'Passwords are reset under Settings › Security.',
            '</script><script>window.__pwned = 6</script>',
          ],
          reference: 'Settings › Security › Reset password. javascript:window.__pwned = 7',
        },
        ...Array.from({ length: 7 }, (_, i) =>
          i === 2
            ? // A scenario's conversation, as `assay review add` makes it from a multi-turn run.
              {
                id: 'a4',
                input: { plan: 'pro', turns: ['Hi, can I upgrade?', 'And then?'] },
                output: [
                  {
                    user: 'Hi, can I upgrade?',
                    assistant: 'Yes: open Billing. <script>window.__pwned = 8</script>',
                  },
                  { user: 'And then?', assistant: 'Then you pick the Pro plan.' },
                ],
              }
            : {
                id: `a${i + 2}`,
                input: { question: `Question ${i + 2}: can I change plan ${i + 2}?` },
                output: `Answer ${i + 2}: yes, from the billing page.`,
              },
        ),
      ];
      const added = await call('/queues/support-answers/items', key, 'POST', { items });
      expect(added.status).toBe(201);
      expect(added.json).toMatchObject({ added: 8, traps: 0 });

      // A pairwise queue: which of two answers is better, the order drawn per rater.
      expect(
        (
          await call('/queues', key, 'POST', {
            name: 'which-better',
            dimensions: [
              { name: 'better', labels: ['A', 'B', 'tie'], description: 'Which answer helps more?' },
            ],
            raters: 2,
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await call('/queues/which-better/items', key, 'POST', {
            items: [
              { id: 'p1', input: 'Where is my invoice?', outputs: ['Under Billing › Invoices.', 'No idea.'] },
            ],
          })
        ).status,
      ).toBe(201);

      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      watch(page);
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a reviewer signs in with the link and sees only the review pages', async () => {
      await page.goto(`${server.url}${users.rita?.link}`);
      await page.waitForURL(`${server.url}/review`);
      await page.getByTestId('review-queues').waitFor();
      const nav = page.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link').allTextContents()).toEqual(['Review']);
      // Reviewers are not shown the trap or label counts of the queue.
      expect(await page.getByTestId('review-queues').locator('th').allTextContents()).not.toContain('Traps');
      // An admin page sends a reviewer back to their work.
      await page.goto(`${server.url}/monitoring`);
      await page.waitForURL(`${server.url}/review`);
    });

    it('rates an item with the keyboard, skips one with s, and the labels are stored', async () => {
      await page.getByRole('link', { name: 'Rate items of support-answers' }).click();
      await page.waitForURL(/\/review\/support-answers\/rate$/);
      const output = page.getByTestId('review-output');
      await expect.poll(() => output.textContent(), { timeout: 15_000 }).toBe(HOSTILE_OUTPUT);
      // The conversation, the contexts, the reference and the rubric with its description are shown as text.
      await page.getByText('How do I reset my password? <script>window.__pwned = 5</script>').waitFor();
      await page.getByText('</script><script>window.__pwned = 6</script>').waitFor();
      await page.getByRole('heading', { name: 'Reference' }).waitFor();
      await page.getByText('Are the facts right, judged against the reference').waitFor();
      await page.getByText('<b>Not bold</b>', { exact: false }).waitFor();
      await inert(page, 'annotation page');

      // ? opens the help, Escape closes it.
      await page.keyboard.press('?');
      const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
      await help.waitFor();
      await page.keyboard.press('Escape');
      await help.waitFor({ state: 'hidden' });

      // n with nothing scored says what is missing and saves nothing.
      await page.keyboard.press('n');
      await page.getByRole('alert').filter({ hasText: 'correctness, tone still open' }).waitFor();

      // 4 scores correctness (the highlighted dimension), then the highlight moves to tone: 1 is "friendly".
      await page.keyboard.press('4');
      await page.keyboard.press('1');
      await expect
        .poll(() => page.getByRole('radio', { name: '4' }).isChecked(), { timeout: 15_000 })
        .toBe(true);
      await expect
        .poll(() => page.getByRole('radio', { name: /friendly/ }).isChecked(), { timeout: 15_000 })
        .toBe(true);
      await page.keyboard.press('c');
      await page.keyboard.type(HOSTILE_COMMENT);
      await page.keyboard.press('Escape');
      await shot(page, 'review-annotate');
      await page.keyboard.press('n');
      await expect
        .poll(() => output.textContent(), { timeout: 15_000 })
        .toBe('Answer 2: yes, from the billing page.');
      // The new item starts blank.
      expect(await page.getByRole('radio', { checked: true }).count()).toBe(0);
      expect(await page.getByLabel(/Comment/).inputValue()).toBe('');

      // s asks for a reason, Enter skips.
      await page.keyboard.press('s');
      const skip = page.getByRole('dialog', { name: 'Skip this item' });
      await skip.waitFor();
      await page.getByLabel('Why skip it?').fill('not sure about plan rules');
      await page.keyboard.press('Enter');
      await expect
        .poll(() => output.textContent(), { timeout: 15_000 })
        .toBe('Answer 3: yes, from the billing page.');
      await expect
        .poll(() => page.locator('#my-progress').getAttribute('value'), { timeout: 15_000 })
        .toBe('2');

      // Read back through the API: one label with its comment, one skip.
      const rita = await call('/queues/support-answers/raters', users.rita!.token);
      expect(rita.json).toEqual([{ user: 'rita', rated: 1, skipped: 1 }]);
      const exported = await call('/queues/support-answers/export', server.key);
      const a1 = exported.json.items.find((i: { id: string }) => i.id === 'a1');
      expect(a1.expected.scores).toEqual({ correctness: 4, tone: 'friendly' });
      await inert(page, 'annotation page after two items');
    });

    it('fits a phone-width screen, and the keyboard still works there', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      const output = page.getByTestId('review-output');
      // The lease holds: a reload shows the same item.
      await expect
        .poll(() => output.textContent(), { timeout: 15_000 })
        .toBe('Answer 3: yes, from the billing page.');
      await expectFits(page, 'annotation page at 390 px');
      await page.keyboard.press('3');
      await expect
        .poll(() => page.getByRole('radio', { name: '3' }).isChecked(), { timeout: 15_000 })
        .toBe(true);
      await shot(page, 'review-annotate-phone');
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it("a pairwise item shows two outputs as A and B in the rater's order; the answer is stored in the item's order", async () => {
      await page.goto(`${server.url}/review/which-better/rate`);
      const a = page.getByTestId('review-output-a');
      await expect.poll(() => a.textContent(), { timeout: 15_000 }).toMatch(/Invoices|No idea/);
      const swapped = (await a.textContent()) === 'No idea.';
      expect(await page.getByTestId('review-output-b').textContent()).toBe(
        swapped ? 'Under Billing › Invoices.' : 'No idea.',
      );
      // 1 picks A, the output shown first.
      await page.keyboard.press('1');
      await expect
        .poll(() => page.getByRole('radio', { name: 'A' }).isChecked(), { timeout: 15_000 })
        .toBe(true);
      await page.keyboard.press('n');
      await page.getByTestId('review-empty').waitFor();
      // Nothing left to rate, and ? still opens the help.
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      await page.keyboard.press('Escape');
      const exported = await call('/queues/which-better/export', server.key);
      expect(exported.json.items[0].expected.scores).toEqual({ better: swapped ? 'B' : 'A' });
      expect(exported.json.items[0].outputs).toEqual(['Under Billing › Invoices.', 'No idea.']);
    });

    it('a judge–human disagreement shows the judge’s verdict and the human label as notes, as text', async () => {
      expect(
        (
          await call('/queues', server.key, 'POST', {
            name: 'calib',
            dimensions: [{ name: 'accuracy', scale: [1, 5] }],
            raters: 1,
            trapRate: 0,
          })
        ).status,
      ).toBe(201);
      // The notes `assay review add --disagreements` writes (src/review/from-disagreements.ts).
      const metadata = {
        judge: {
          'rubric.accuracy': {
            score: 5,
            scale: [1, 5],
            reason: 'Fully correct. <script>window.__pwned = 9</script>',
          },
        },
        human: { 'rubric.accuracy': { label: 2, ratings: [2, 2], from: 'review:support-answers' } },
        gap: { 'rubric.accuracy': 3 },
      };
      const added = await call('/queues/calib/items', server.key, 'POST', {
        items: [{ id: 'd1', input: { question: 'Refund window?' }, output: 'Ninety days.', metadata }],
      });
      expect(added.status).toBe(201);
      await page.goto(`${server.url}/review/calib/rate`);
      const notes = page.getByTestId('review-notes');
      await notes.waitFor({ timeout: 15_000 });
      const text = (await notes.textContent()) ?? '';
      expect(text).toContain('Fully correct. <script>window.__pwned = 9</script>');
      expect(text).toContain('review:support-answers');
      expect(await notes.locator('dt').allTextContents()).toEqual(['judge', 'human', 'gap']);
      await inert(page, 'annotation page with notes');
      await page.keyboard.press('2');
      await page.keyboard.press('n');
      await page.getByTestId('review-empty').waitFor();
      const rows = await call('/queues/calib/export', server.key);
      expect(rows.json.items[0].expected.scores).toEqual({ accuracy: 2 });
    });

    it('a label posted after the lease ran out and the item went to someone else is refused; the page moves on, saying so', async () => {
      // A lease of 60 ms: it has run out by the time sam asks.
      await call('/queues', server.key, 'POST', {
        name: 'lapse',
        dimensions: [{ name: 'accuracy', scale: [1, 5] }],
        raters: 1,
        trapRate: 0,
        leaseMinutes: 0.001,
      });
      await call('/queues/lapse/items', server.key, 'POST', {
        items: [{ id: 'x1', input: 'Refund window?', output: 'Thirty days.' }],
      });
      await page.goto(`${server.url}/review/lapse/rate`);
      await expect
        .poll(() => page.getByTestId('review-output').textContent(), { timeout: 15_000 })
        .toBe('Thirty days.');
      await expect
        .poll(async () => (await call('/queues/lapse/next', users.sam!.token, 'POST')).json?.item?.id, {
          timeout: 15_000,
        })
        .toBe('x1');
      expect(
        (await call('/items/x1/labels', users.sam!.token, 'POST', { scores: { accuracy: 5 } })).status,
      ).toBe(200);
      await page.keyboard.press('2');
      await page.keyboard.press('n');
      await page.getByTestId('review-empty').waitFor();
      expect(await page.getByTestId('review-lost').textContent()).toBe(
        'Not saved: the item went to other raters while it waited (your lease ran out).',
      );
      // The browser logs the refused request; that one is expected (and only that one).
      const refused =
        'console: Failed to load resource: the server responded with a status of 409 (Conflict)';
      expect(log.problems.filter((p) => p === refused)).toHaveLength(1);
      log.problems.splice(log.problems.indexOf(refused), 1);
      const exported = await call('/queues/lapse/export', server.key);
      expect(exported.json.items[0]).toMatchObject({ ratings: 1, expected: { scores: { accuracy: 5 } } });
    });

    it('the queue page shows agreement per dimension and the raters, flagged or not', async () => {
      // The trap joins the queue only now: a trap may come at any point of a rater's sequence, so rita's
      // browser steps above could not rely on the order of her items if it were there from the start.
      const trap = await call('/queues/support-answers/items', server.key, 'POST', {
        items: [
          {
            id: 'a9',
            input: { question: 'Question 9: what is the refund window?' },
            output: 'Refunds within 30 days.',
            gold: { correctness: 5, tone: 'neutral' },
          },
        ],
      });
      expect(trap.json).toMatchObject({ added: 1, traps: 1 });
      // Three more reviewers rate everything left to them through the API; uma misses the trap (a9).
      for (const name of ['sam', 'tom', 'uma'] as const) {
        for (;;) {
          const next = await call('/queues/support-answers/next', users[name]!.token, 'POST');
          if (next.status === 204) break;
          const id = next.json.item.id as string;
          const n = Number(id.slice(1));
          const scores =
            id === 'a9'
              ? name === 'uma'
                ? { correctness: 1, tone: 'rude' }
                : { correctness: 5, tone: 'neutral' }
              : name === 'tom'
                ? { correctness: 1 + ((n + (n % 3 === 0 ? 1 : 0)) % 5), tone: n % 2 ? 'friendly' : 'neutral' }
                : { correctness: 1 + (n % 5), tone: n % 4 ? 'friendly' : 'neutral' };
          const res = await call(`/items/${id}/labels`, users[name]!.token, 'POST', {
            scores,
            comment: `${name} on ${id}`,
          });
          expect(res.status).toBe(200);
        }
      }
      const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      watch(admin);
      await admin.goto(`${server.url}${users.ada?.link}`);
      await admin.waitForURL(`${server.url}/`);
      expect(
        await admin.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents(),
      ).toEqual(['Runs', 'Compare', 'Monitoring', 'Review']);
      await admin.goto(`${server.url}/review/support-answers`);
      const agreement = admin.getByTestId('review-agreement');
      await agreement.waitFor();
      const want = (await call('/queues/support-answers/agreement', server.key)).json;
      for (const d of ['correctness', 'tone']) {
        const row = agreement.locator('tbody tr').filter({ has: admin.getByRole('rowheader', { name: d }) });
        const alpha = want.dimensions[d].alpha as number | null;
        expect(await row.locator('td').nth(1).textContent()).toBe(alpha === null ? '–' : alpha.toFixed(3));
      }
      expect(await admin.getByTestId('review-pairs').locator('tbody tr').count()).toBe(want.pairs.length);
      const raters = admin.getByTestId('review-raters');
      await expect.poll(() => raters.locator('tbody tr').count(), { timeout: 15_000 }).toBe(4);
      const row = (name: string) =>
        raters.locator('tbody tr').filter({ has: admin.getByRole('rowheader', { name }) });
      // rita: 1 rated, 1 skipped, no trap yet; sam and tom answered the trap right; uma missed it (her one
      // trap is all the queue has, so she is flagged and left out of agreement).
      expect((await row('rita').locator('td').allTextContents()).slice(0, 3)).toEqual(['1', '1', '0']);
      expect(await row('sam').textContent()).toMatch(/100%.*ok$/);
      expect(await row('tom').textContent()).toMatch(/100%.*ok$/);
      expect(await row('uma').textContent()).toMatch(/0%.*flagged, left out$/);
      expect(await admin.getByText('Left out as flagged by their trap accuracy: uma.').count()).toBe(1);
      await shot(admin, 'review-queue');
      await inert(admin, 'queue page');

      // The calibration view: raters' ratings and comments side by side; the admin records a consensus.
      await admin.getByRole('link', { name: 'Calibration session' }).click();
      await admin.getByRole('heading', { name: /Calibration session/ }).waitFor();
      const a1 = admin
        .locator('article')
        .filter({ has: admin.getByRole('heading', { name: /\. a1 disagreement/ }) });
      await a1.getByText(HOSTILE_COMMENT).waitFor();
      await a1.getByText('sam on a1').waitFor();
      await shot(admin, 'review-calibration');
      // A multi-turn output is shown as the conversation, turn by turn.
      const a4 = admin
        .locator('article')
        .filter({ has: admin.getByRole('heading', { name: /\. a4 disagreement/ }) });
      await a4.getByText('Then you pick the Pro plan.').waitFor();
      await a4.getByText('Yes: open Billing. <script>window.__pwned = 8</script>').waitFor();
      expect(await a4.getByTestId('review-output').locator('.role').allTextContents()).toEqual([
        'user',
        'assistant',
        'user',
        'assistant',
      ]);
      await a1.getByLabel('correctness').selectOption('4');
      await a1.getByLabel('tone').selectOption('friendly');
      await a1.getByLabel(/Make it a trap/).check();
      await a1.getByRole('button', { name: 'Record consensus' }).click();
      await admin
        .getByRole('status')
        .filter({ hasText: 'Consensus on a1 recorded; the item is a trap from now on.' })
        .waitFor();
      await inert(admin, 'calibration page');
      const after = await call('/queues/support-answers', server.key);
      expect(after.json.progress.traps).toBe(2);
      // The admin pages fit a phone too (wide tables scroll inside their panel).
      await admin.setViewportSize({ width: 390, height: 844 });
      for (const path of ['/review', '/review/support-answers', '/review/support-answers/calibration']) {
        await admin.goto(`${server.url}${path}`);
        await admin.locator('h1').first().waitFor();
        await admin.waitForLoadState('networkidle');
        await expectFits(admin, `${path} at 390 px`);
      }
      await admin.close();
    });

    it('logged no error and ran nothing from the data', () => {
      expect(log.problems).toEqual([]);
      expect(log.dialogs).toEqual([]);
    });
  },
);
