import { describe, expect, it } from 'vitest';
import { otlpToBatch } from './to-batch.js';

describe('otlpToBatch', () => {
  it('keeps only the attributes a span sent, even one named __proto__ holding a key-value list', () => {
    const { batch } = otlpToBatch(
      {
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: '0102030405060708090a0b0c0d0e0f10',
                    spanId: '1112131415161718',
                    name: 's',
                    startTimeUnixNano: '1733380000000000000',
                    attributes: [
                      {
                        key: '__proto__',
                        value: { kvlistValue: { values: [{ key: 'a', value: { stringValue: 'x' } }] } },
                      },
                      { key: 'b', value: { stringValue: 'y' } },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
      'p',
      0,
    );
    expect(batch.spans[0]!.attributes).toEqual({ b: 'y' });
  });
});
