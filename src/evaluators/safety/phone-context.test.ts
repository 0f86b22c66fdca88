import { describe, expect, it } from 'vitest';
import { detectPii } from './pii.js';

// Issue 10, item 12: national phone formats without "+" were missed; context words near a digit
// run should raise recall without costing precision on order numbers and dates.
const phones = (text: string) => detectPii(text, ['phone']).map((f) => f.match);

describe('phone numbers without "+"', () => {
  it.each([
    ['My number is 020 7946 0958', '020 7946 0958'],
    ['Ring the office on (020) 7946 0958 tomorrow', '(020) 7946 0958'],
    ['Mobile: 07700 900123', '07700 900123'],
    ['Appelez le 01 23 45 67 89 svp', '01 23 45 67 89'],
    ['Büro 030 12345678', '030 12345678'],
    ['Tel. 0201-234-5678', '0201-234-5678'],
    ['call me on 4155550132', '4155550132'],
    ['WhatsApp: 07700900123', '07700900123'],
    ['you can reach me at 447700900123 after six', '447700900123'],
    ['my phone number is 98765 43210.', '98765 43210'],
    ['Fax 0201 2345678', '0201 2345678'],
  ])('%s', (text, match) => {
    expect(phones(text)).toEqual([match]);
  });

  it.each([
    'order 4155550132 shipped',
    'Your order number is 4155550132.',
    'Invoice no. 0201 2345 678 is due',
    'tracking number 0123456789012',
    'account number 02079460958',
    'On 2024-01-15 at 10:30, order 4155550132 and ORD-415-555-0132 shipped.',
    'Call us before 01.02.2024 10:30',
    'call on 15/01/2024 or 2024-01-15',
    'Total: 1 234 567.89 EUR, call if wrong',
    'Flight 0123 456 789 boards at 10:45',
    'version 1.2.3, build 20240115',
    'Population 67 000 000, area 243 610 km²',
    'ISBN 0 306 40615 2',
    'between 0800 and 1800, 5 days a week',
  ])('not a phone: %s', (text) => {
    expect(phones(text)).toEqual([]);
  });
});
