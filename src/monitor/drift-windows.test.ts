import { describe, expect, it } from 'vitest';
import { monitorSchema } from '../config/monitor.js';
import { driftWindowSettings } from './drift-windows.js';

const DAY = 86_400_000;
const config = (inputs: 'embedding' | 'off') =>
  monitorSchema.parse({ drift: { reference: { from: '2026-01-01', to: '2026-01-14' }, inputs } });

describe('driftWindowSettings', () => {
  it('keys windows by the embedder when input drift compares vectors', () => {
    const c = config('embedding');
    expect(driftWindowSettings(c, DAY, 'local').key).toBe(driftWindowSettings(c, DAY, 'local').key);
    expect(driftWindowSettings(c, DAY, 'local').key).not.toBe(
      driftWindowSettings(c, DAY, 'openai:text-embedding-3-small').key,
    );
  });

  it('ignores the embedder when input drift is off, and keys by window length', () => {
    const c = config('off');
    expect(driftWindowSettings(c, DAY, 'local').key).toBe(driftWindowSettings(c, DAY, 'other').key);
    expect(driftWindowSettings(c, DAY).key).not.toBe(driftWindowSettings(c, 3_600_000).key);
  });
});
