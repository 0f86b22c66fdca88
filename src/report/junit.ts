import type { ResultRecord, RunRecord } from '../core/run.js';
import { getOrCreate } from '../util/maps.js';
import { type Write, writeFileStreaming } from './write-file.js';
import { truncate, xmlAttr, xmlText } from './xml.js';

/** What one testsuite (one target) needs before its first testcase is written. */
interface SuiteHead {
  tests: number;
  failures: number;
  errors: number;
  seconds: number;
  tags: Map<string, Set<string>>;
}

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/** `<target>.<tag values in key order>`: CI tools group testcases by this dotted name. */
export function junitClassname(r: Pick<ResultRecord, 'target' | 'tags'>): string {
  const values = Object.keys(r.tags)
    .sort()
    .map((k) => r.tags[k]!);
  return [r.target, ...values].join('.');
}

function failureBody(r: ResultRecord): string {
  const lines = r.scores.map((s) => {
    const verdict = s.error !== undefined ? 'ERROR' : s.pass === false ? 'FAIL' : s.pass ? 'pass' : 'n/a';
    const value = s.value === null ? '' : ` ${s.value.toFixed(3)}`;
    const reason = s.error ?? s.reason;
    return `${verdict} ${s.evaluator}${value}${reason ? `: ${reason}` : ''}`;
  });
  if (r.output) lines.push('', `Output: ${truncate(r.output.text, 2000)}`);
  return lines.join('\n');
}

/** One `<testcase>`: a failed score is a `<failure>`, a failed target or evaluator an `<error>`. */
export function junitTestcase(r: ResultRecord): string {
  const name = `${r.caseId}${r.repeat ? ` #${r.repeat}` : ''}`;
  const head = `    <testcase name="${xmlAttr(name)}" classname="${xmlAttr(junitClassname(r))}" time="${seconds(r.latencyMs)}"`;
  let body = '';
  if (r.error !== undefined) {
    const type = r.output ? 'evaluator.error' : 'target.failed';
    body = `      <error message="${xmlAttr(truncate(r.error, 500))}" type="${type}">${xmlText(r.output ? failureBody(r) : r.error)}</error>\n`;
  } else if (!r.pass) {
    const failed = r.scores.filter((s) => s.pass === false);
    const message = failed.map((s) => `${s.evaluator}: ${s.reason ?? 'failed'}`).join('; ') || 'failed';
    body = `      <failure message="${xmlAttr(truncate(message, 500))}" type="assay.failed">${xmlText(failureBody(r))}</failure>\n`;
  }
  // The output of a failure is shown beside it; passing outputs would only swell the file.
  if (body && r.output?.text)
    body += `      <system-out>${xmlText(truncate(r.output.text, 4000))}</system-out>\n`;
  return body ? `${head}>\n${body}    </testcase>\n` : `${head}/>\n`;
}

async function suiteHeads(results: AsyncIterable<ResultRecord>): Promise<Map<string, SuiteHead>> {
  const heads = new Map<string, SuiteHead>();
  for await (const r of results) {
    const h = getOrCreate(heads, r.target, () => ({
      tests: 0,
      failures: 0,
      errors: 0,
      seconds: 0,
      tags: new Map(),
    }));
    h.tests++;
    if (r.error !== undefined) h.errors++;
    else if (!r.pass) h.failures++;
    h.seconds += Math.max(0, r.latencyMs) / 1000;
    for (const [k, v] of Object.entries(r.tags)) getOrCreate(h.tags, k, () => new Set<string>()).add(v);
  }
  return heads;
}

/**
 * Writes a run as JUnit XML (the Ant/Jenkins schema every CI reads): one `<testsuite>` per target with
 * the run, dataset and tags as properties, one `<testcase>` per case × target (× repeat). Streams:
 * one pass counts, then one pass per target writes, so memory does not grow with the run.
 */
export async function writeJunitXml(
  write: Write,
  run: RunRecord,
  results: () => AsyncIterable<ResultRecord>,
): Promise<void> {
  const heads = await suiteHeads(results());
  const total = { tests: 0, failures: 0, errors: 0, seconds: 0 };
  for (const h of heads.values()) {
    total.tests += h.tests;
    total.failures += h.failures;
    total.errors += h.errors;
    total.seconds += h.seconds;
  }
  const timestamp = run.createdAt.slice(0, 19);
  await write('<?xml version="1.0" encoding="UTF-8"?>\n');
  await write(
    `<testsuites name="${xmlAttr(`assay ${run.id}`)}" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" time="${total.seconds.toFixed(3)}">\n`,
  );
  const dataset = run.provenance.dataset;
  for (const [target, h] of heads) {
    await write(
      `  <testsuite name="${xmlAttr(target)}" tests="${h.tests}" failures="${h.failures}" errors="${h.errors}" skipped="0" time="${h.seconds.toFixed(3)}" timestamp="${timestamp}">\n`,
    );
    const properties: [string, string][] = [
      ['assay.run', run.id],
      ['assay.dataset', `${dataset.name}@${dataset.version}`],
      ...(run.provenance.gitCommit ? [['assay.git', run.provenance.gitCommit] as [string, string]] : []),
      ...[...h.tags]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, vs]) => [`tag.${k}`, [...vs].sort().join(', ')] as [string, string]),
    ];
    await write('    <properties>\n');
    for (const [name, value] of properties)
      await write(`      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>\n`);
    await write('    </properties>\n');
    for await (const r of results()) if (r.target === target) await write(junitTestcase(r));
    await write('  </testsuite>\n');
  }
  await write('</testsuites>\n');
}

/** `writeJunitXml` to a file, atomically. */
export async function writeJunitFile(
  file: string,
  run: RunRecord,
  results: () => AsyncIterable<ResultRecord>,
): Promise<void> {
  await writeFileStreaming(file, (write) => writeJunitXml(write, run, results));
}
