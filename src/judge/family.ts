/**
 * Model families, inferred from the model's name whatever API serves it (`openai:llama3.1:8b` on
 * Ollama is a llama, `openai:claude-3-5-sonnet` behind a proxy is a claude). Models prefer answers in
 * their own family's style, so a judge of the same family as a target under evaluation is suspect.
 */

/** Checked in order: the first match wins, so derived names go to the family whose style they carry
 * (`deepseek-r1-distill-llama` is a deepseek, `llama-3.1-nemotron` a llama). */
const FAMILIES: readonly [family: string, pattern: RegExp][] = [
  ['deepseek', /deepseek/],
  ['claude', /claude|anthropic/],
  ['gemma', /gemma/],
  ['gemini', /gemini|palm|bison/],
  ['qwen', /qwen|qwq/],
  ['mistral', /mistral|mixtral|codestral|ministral|pixtral|magistral|devstral|zephyr/],
  ['llama', /llama|vicuna|alpaca|nemotron|tulu/],
  ['openai-gpt', /(^|[^a-z0-9])(gpt|chatgpt|davinci|babbage|o[1-9])([^a-z]|$)/],
  ['phi', /(^|[^a-z])phi([^a-z]|$)/],
  ['cohere-command', /(^|[^a-z])(command|aya|c4ai)([^a-z]|$)/],
  ['grok', /grok/],
  ['yi', /(^|[^a-z])yi([^a-z]|$)/],
  ['falcon', /falcon/],
  ['granite', /granite/],
  ['olmo', /olmo/],
  ['glm', /(^|[^a-z])(chat)?glm/],
  ['kimi', /kimi|moonshot/],
  ['internlm', /internlm/],
  ['jamba', /jamba/],
];

/**
 * The family of a model name, or undefined when it is not recognised.
 *
 * @example
 * modelFamily('gpt-4o-mini'); // 'openai-gpt'
 * modelFamily('meta-llama/Llama-3.1-8B-Instruct'); // 'llama'
 * modelFamily('o3-mini'); // 'openai-gpt'
 */
export function modelFamily(model: string): string | undefined {
  const name = model.toLowerCase();
  for (const [family, pattern] of FAMILIES) if (pattern.test(name)) return family;
  return undefined;
}

/**
 * The family of a provider string (`openai:gpt-4o`, `anthropic:claude-3-5-haiku`): inferred from the
 * model part; `function` and `http` targets have none.
 */
export function providerModelFamily(provider: string | undefined): string | undefined {
  if (!provider) return undefined;
  const i = provider.indexOf(':');
  if (i < 0) return undefined;
  return modelFamily(provider.slice(i + 1));
}
