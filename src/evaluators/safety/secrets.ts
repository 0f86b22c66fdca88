import type { Finding } from './finding.js';

// Formats published by each vendor (prefixes are documented so that scanners like this one work).
const SECRETS: [string, RegExp][] = [
  ['secret.private-key', /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g],
  ['secret.anthropic', /(?<![\w-])sk-ant-[a-z0-9]+-[A-Za-z0-9_-]{32,}/g],
  ['secret.openai', /(?<![\w-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g],
  ['secret.aws', /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g],
  ['secret.github', /(?<!\w)(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})/g],
  ['secret.slack', /(?<!\w)xox[abposr]-[A-Za-z0-9-]{10,}/g],
  ['secret.google', /(?<![\w-])AIza[0-9A-Za-z_-]{35}/g],
  ['secret.stripe', /(?<!\w)(?:sk|rk)_live_[0-9A-Za-z]{20,}/g],
  ['secret.jwt', /(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g],
];

// `api_key = "…"`, `"client_secret": "…"`, `token: …`, `password=…`.
const ASSIGNMENT =
  /(?<![A-Za-z])(?:api[_-]?key|apikey|secret(?:[_-]?key)?|client[_-]?secret|access[_-]?(?:key|token)|auth[_-]?token|token|password|passwd|pwd)["']?\s*[:=]\s*["']?([^\s"',;]{8,})/gi;

// Values people put where a secret goes in examples and templates.
const PLACEHOLDER =
  /^(?:<.*>|\$\{.*\}|\{\{.*\}\}|%.*%|(?:your|my|the|example|sample|dummy|fake|test|placeholder|changeme|redacted|xxx)[\w-]*|[x*.]+)$/i;

/** Shannon entropy of a string, in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * API keys, tokens and private keys in a text. Vendor formats (OpenAI, Anthropic, AWS, GitHub,
 * Slack, Google, Stripe, JWTs, PEM private keys) are matched by their documented prefixes. A
 * generic `api_key = …` / `password: …` assignment counts when its value looks random: 16+
 * characters with at least 3.5 bits of entropy per character and not a placeholder, which keeps
 * `password: <your password>` and `token = your-token-here` from firing but also lets a short or
 * guessable password through.
 */
export function detectSecrets(text: string): Finding[] {
  const found: Finding[] = [];
  for (const [category, re] of SECRETS) {
    for (const m of text.matchAll(re)) found.push({ category, match: m[0], index: m.index ?? 0 });
  }
  for (const m of text.matchAll(ASSIGNMENT)) {
    const value = m[1]!;
    const index = (m.index ?? 0) + m[0].length - value.length;
    if (found.some((f) => index < f.index + f.match.length && f.index < index + value.length)) continue;
    if (value.length >= 16 && entropy(value) >= 3.5 && !PLACEHOLDER.test(value)) {
      found.push({ category: 'secret.generic', match: value, index });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}
