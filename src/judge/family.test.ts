import { describe, expect, it } from 'vitest';
import { modelFamily, providerModelFamily } from './family.js';

describe('modelFamily', () => {
  it.each([
    ['gpt-4o-mini', 'openai-gpt'],
    ['gpt-4.1', 'openai-gpt'],
    ['chatgpt-4o-latest', 'openai-gpt'],
    ['o1-preview', 'openai-gpt'],
    ['o3-mini', 'openai-gpt'],
    ['openai/gpt-oss-20b', 'openai-gpt'],
    ['ft:gpt-3.5-turbo:acme::abc', 'openai-gpt'],
    ['claude-3-5-sonnet-20241022', 'claude'],
    ['us.anthropic.claude-3-haiku-20240307-v1:0', 'claude'],
    ['gemini-1.5-pro', 'gemini'],
    ['models/gemini-2.0-flash', 'gemini'],
    ['gemma2:9b', 'gemma'],
    ['meta-llama/Llama-3.1-8B-Instruct', 'llama'],
    ['llama3.1:8b', 'llama'],
    ['codellama:13b', 'llama'],
    ['nvidia/llama-3.1-nemotron-70b-instruct', 'llama'],
    ['qwen2.5:7b', 'qwen'],
    ['Qwen/QwQ-32B', 'qwen'],
    ['mistral-large-latest', 'mistral'],
    ['open-mixtral-8x7b', 'mistral'],
    ['deepseek-r1-distill-llama-70b', 'deepseek'],
    ['deepseek-chat', 'deepseek'],
    ['phi3:mini', 'phi'],
    ['microsoft/Phi-4', 'phi'],
    ['command-r-plus', 'cohere-command'],
    ['grok-2', 'grok'],
  ])('%s → %s', (model, family) => {
    expect(modelFamily(model)).toBe(family);
  });

  it('knows nothing of unknown names and does not match inside words', () => {
    expect(modelFamily('my-finetune-v2')).toBeUndefined();
    expect(modelFamily('dolphin')).toBeUndefined();
    expect(modelFamily('proto1')).toBeUndefined();
  });

  it('reads the model part of a provider string; functions and HTTP apps have none', () => {
    expect(providerModelFamily('openai:llama3.1:8b')).toBe('llama');
    expect(providerModelFamily('anthropic:claude-3-5-haiku-latest')).toBe('claude');
    expect(providerModelFamily(undefined)).toBeUndefined();
    expect(providerModelFamily('function')).toBeUndefined();
  });
});
