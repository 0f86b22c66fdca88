import { describe, expect, it } from 'vitest';
import { attribute } from './attribution.js';

describe('attribute', () => {
  const contexts = [
    { id: 'kb-1', text: 'Refunds are issued to the original card within 5 business days.' },
    { id: 'kb-2', text: 'Legacy plans are no longer sold.' },
  ];

  it('blames retrieval when an expected source was not retrieved, naming it', () => {
    expect(attribute(['kb-1', 'kb-9'], contexts)).toEqual({ attribution: 'retrieval', missing: ['kb-9'] });
    expect(attribute([{ id: 'kb-7', text: 'x' }], contexts)).toEqual({
      attribution: 'retrieval',
      missing: ['kb-7'],
    });
  });

  it('blames generation when every expected source was retrieved', () => {
    expect(attribute(['kb-1'], contexts)).toEqual({ attribution: 'generation', missing: [] });
    expect(attribute([{ id: 'kb-2' }, 2], [...contexts, { id: '2', text: '' }])).toMatchObject({
      attribution: 'generation',
    });
  });

  it('matches sources given as text against the retrieved text', () => {
    expect(
      attribute(
        ['Legacy plans are no  longer sold.'],
        [{ text: 'Note. legacy plans are no longer sold. End' }],
      ),
    ).toMatchObject({ attribution: 'generation' });
    expect(attribute(['Refunds take ten days to arrive here.'], contexts)).toMatchObject({
      attribution: 'retrieval',
    });
  });

  it('cannot attribute without sources or without retrieval information', () => {
    expect(attribute(undefined, contexts)).toBeUndefined();
    expect(attribute([], contexts)).toBeUndefined();
    expect(attribute(['kb-1'], undefined)).toBeUndefined();
    expect(attribute([null, {}], contexts)).toBeUndefined();
  });
});
