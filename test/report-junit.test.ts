import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import type { ResultRecord, RunRecord } from '../src/core/run.js';
import { junitClassname, writeJunitXml } from '../src/report/junit.js';
import { writeReports } from '../src/report/run-reports.js';
import { openReportSource } from '../src/report/source.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { seedFixtureRun, XSS_CASE_ID } from './fixtures/report-run.js';

const XSD = readFileSync(new URL('./fixtures/junit.xsd', import.meta.url), 'utf8');
const XMLLINT = ['/usr/bin/xmllint', '/usr/local/bin/xmllint'].find((f) => existsSync(f));

/** Validates with libxml2 compiled to WebAssembly (always there), and with the xmllint binary when installed. */
async function validate(xml: string, dir: string): Promise<{ valid: boolean; errors: string[] }> {
  const wasm = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [XSD] });
  const errors = wasm.errors.map((e) => e.message);
  if (XMLLINT) {
    const file = join(dir, `check-${Date.now()}.xml`);
    writeFileSync(file, xml);
    let binaryValid = true;
    try {
      execFileSync(
        XMLLINT,
        ['--noout', '--schema', join(import.meta.dirname, 'fixtures', 'junit.xsd'), file],
        {
          stdio: 'pipe',
        },
      );
    } catch {
      binaryValid = false;
    }
    expect(binaryValid, 'xmllint binary and xmllint-wasm disagree').toBe(wasm.valid);
  }
  return { valid: wasm.valid, errors };
}

const attr = (xml: string, element: string, name: string) =>
  [...xml.matchAll(new RegExp(`<${element} [^>]*?${name}="([^"]*)"`, 'g'))].map((m) => m[1]!);

async function junitOf(run: RunRecord, results: ResultRecord[]): Promise<string> {
  let xml = '';
  await writeJunitXml(
    async (t) => {
      xml += t;
    },
    run,
    async function* () {
      yield* results;
    },
  );
  return xml;
}

describe('JUnit XML', () => {
  let dir: string;
  let run: RunRecord;
  let xml: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'assay-junit-'));
    const store = await openSqliteStore(join(dir, 'assay.db'));
    try {
      ({ run } = await seedFixtureRun(store));
      await writeReports(await openReportSource(store, run.id), { junit: join(dir, 'junit.xml') });
      xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
    } finally {
      await store.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is valid against the Jenkins/Ant JUnit schema', async () => {
    const result = await validate(xml, dir);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('the validator rejects what the schema forbids (a testcase without a name)', async () => {
    const broken = xml.replace(/<testcase name="[^"]*"/, '<testcase');
    expect((await validate(broken, dir)).valid).toBe(false);
  });

  it('has one testsuite per target with the counts of the summary, and the tags as properties', () => {
    expect(attr(xml, 'testsuite', 'name')).toEqual(['rag-bot', 'plain-bot']);
    const s = run.summary!.byTarget;
    expect(attr(xml, 'testsuite', 'tests').map(Number)).toEqual([s['rag-bot']!.total, s['plain-bot']!.total]);
    expect(attr(xml, 'testsuite', 'failures').map(Number)).toEqual([
      s['rag-bot']!.failed,
      s['plain-bot']!.failed,
    ]);
    expect(attr(xml, 'testsuite', 'errors').map(Number)).toEqual([
      s['rag-bot']!.errors,
      s['plain-bot']!.errors,
    ]);
    expect(attr(xml, 'testsuites', 'tests').map(Number)).toEqual([run.summary!.total]);
    expect(xml).toContain('<property name="tag.type" value="account, billing, general, legacy, security"/>');
    expect(xml).toContain(`<property name="assay.run" value="${run.id}"/>`);
    expect((xml.match(/<testcase /g) ?? []).length).toBe(run.summary!.total);
  });

  it('names each testcase by case, classname <target>.<tag values>, and gives the evaluator reasons', () => {
    const legacy = xml.slice(xml.indexOf('<testcase name="legacy-1" classname="rag-bot.easy.legacy"'));
    const one = legacy.slice(0, legacy.indexOf('</testcase>'));
    expect(one).toContain(
      '<failure message="mentions-answer: expected &quot;The legacy answer number 1&quot; not found in the output; faithfulness: not supported by the context"',
    );
    expect(one).toContain('type="assay.failed"');
    expect(one).toContain('<system-out>I think that is handled by the Starter plan.');
    expect(xml).toMatch(/<testcase name="ok-1" classname="rag-bot\.easy\.general" time="[0-9.]+"\/>/);
  });

  it('reports a failed target and a failed evaluator as <error>', () => {
    const down = xml.slice(xml.indexOf('<testcase name="down-1" classname="rag-bot.'));
    expect(down.slice(0, down.indexOf('</testcase>'))).toContain(
      '<error message="HTTP 503 from http://127.0.0.1:9/chat" type="target.failed">',
    );
    const judge = xml.slice(xml.indexOf('<testcase name="judge-err-1" classname="rag-bot.'));
    expect(judge.slice(0, judge.indexOf('</testcase>'))).toContain(
      '<error message="evaluator faithfulness: judge reply could not be parsed" type="evaluator.error">',
    );
  });

  it('escapes markup in names and outputs', () => {
    expect(xml).not.toContain('<img');
    expect(xml).not.toContain('<script');
    expect(xml).toContain(
      `name="${XSS_CASE_ID.replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}"`,
    );
  });

  it('stays valid with characters XML cannot hold and with CDATA-like text', async () => {
    const r: ResultRecord = {
      runId: run.id,
      caseId: 'odd\u0001id\uD800',
      target: 't',
      repeat: 2,
      tags: { k: 'a"b' },
      output: { text: 'bell\u0007 ]]> \uFFFF end 😀', latencyMs: 5 },
      pass: false,
      scores: [{ evaluator: 'e', value: 0, pass: false, reason: 'line one\nline two\ttab' }],
      latencyMs: 5,
    };
    const out = await junitOf(run, [r]);
    expect((await validate(out, dir)).valid).toBe(true);
    expect(out).toContain('<testcase name="oddid #2" classname="t.a&quot;b"');
    expect(out).toContain('message="e: line one&#10;line two&#9;tab"');
    expect(out).toContain(']]&gt;  end 😀');
    expect(junitClassname({ target: 'bot', tags: { z: '1', a: '2' } })).toBe('bot.2.1');
  });
});
