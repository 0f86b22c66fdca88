import type { MonitoredTrace } from '../../src/monitor/traffic.js';
import { createRng } from '../../src/stats/random.js';

export const DAY = 86_400_000;
export const START = Date.parse('2026-11-01T00:00:00Z');

const TOPICS: Record<string, { q: string[]; a: string[] }> = {
  billing: {
    q: [
      'Why was my card charged twice for the {plan} plan this month?',
      'How do I download the invoice for my {plan} subscription?',
      'Can I get a refund for the {plan} plan I cancelled yesterday?',
      'My payment failed when upgrading to {plan}, what should I do?',
    ],
    a: [
      'You can find every invoice under Billing, then History. Charges for the {plan} plan appear once a month; a second charge is usually a pending authorisation that disappears within three days.',
    ],
  },
  login: {
    q: [
      'I cannot log in to my account after resetting the password',
      'How do I turn on two factor authentication for my {plan} account?',
      'The login page keeps saying my email is not registered',
      'I lost my phone and cannot get the verification code',
    ],
    a: [
      'Open the sign-in page, choose Forgot password and follow the link we email you. If the code does not arrive, check the spam folder and make sure the address matches your account.',
    ],
  },
  shipping: {
    q: [
      'Where is my order, the tracking number has not changed for days',
      'Can I change the delivery address of an order already shipped?',
      'How long does express shipping take to Canada?',
      'My parcel arrived damaged, how do I return it?',
    ],
    a: [
      'Orders ship within two working days. Tracking updates can pause while the parcel crosses a border; if nothing changes for seven days, reply here and we open an investigation with the carrier.',
    ],
  },
};

/** The topic that appears in the shifted traffic: unlike anything in the reference. */
const NEW_TOPIC = {
  q: [
    'Does the smart thermostat support the Zigbee protocol and voice assistants?',
    'My robot vacuum stopped mapping the kitchen after the firmware update',
    'How do I pair the wireless earbuds with two laptops at once?',
    'The security camera night vision is blurry, which setting fixes it?',
  ],
  a: [
    'Firmware 4.2 added Zigbee and voice assistant support. Open the device settings, choose Integrations and follow the pairing steps; the device must be on the same network.',
  ],
};

const REFUSAL = "I'm sorry, but I can't help with that request.";
const PLANS = ['Basic', 'Pro', 'Team', 'Enterprise'];

export interface TrafficOptions {
  days: number;
  perDay: number;
  seed?: number;
  /** From this day (0-based) on, this share of inputs is about the new topic. */
  topicShift?: { day: number; share: number };
  refusal?: { base: number; from?: number; to?: number };
  thumbsDown?: { base: number; from?: number; to?: number };
  /** Share of traces with thumbs feedback. */
  feedbackShare?: number;
}

/** Synthetic production traffic, stationary unless a shift is asked for, seeded. */
export function syntheticTraffic(opts: TrafficOptions): MonitoredTrace[] {
  const rng = createRng(opts.seed ?? 1);
  const pick = <T>(xs: T[]): T => xs[rng.nextInt(xs.length)]!;
  const out: MonitoredTrace[] = [];
  const topics = Object.keys(TOPICS);
  for (let day = 0; day < opts.days; day++) {
    for (let i = 0; i < opts.perDay; i++) {
      const shifted = opts.topicShift && day >= opts.topicShift.day && rng.next() < opts.topicShift.share;
      const topic = shifted ? NEW_TOPIC : TOPICS[pick(topics)]!;
      const plan = pick(PLANS);
      const refusalP =
        opts.refusal && opts.refusal.from !== undefined && day >= opts.refusal.from
          ? opts.refusal.to!
          : (opts.refusal?.base ?? 0.03);
      const downP =
        opts.thumbsDown && opts.thumbsDown.from !== undefined && day >= opts.thumbsDown.from
          ? opts.thumbsDown.to!
          : (opts.thumbsDown?.base ?? 0.1);
      const refused = rng.next() < refusalP;
      const extra = rng.nextInt(3);
      const answer = refused
        ? REFUSAL
        : `${pick(topic.a).replace('{plan}', plan)}${' Let me know if anything else comes up.'.repeat(extra)}`;
      const t: MonitoredTrace = {
        id: `t-${day}-${i}-${opts.seed ?? 1}`,
        timestamp: START + day * DAY + Math.floor((i / opts.perDay) * DAY),
        input: pick(topic.q).replace('{plan}', plan),
        output: answer,
        model: 'gpt-4o-mini',
        tags: { segment: rng.next() < 0.7 ? 'consumer' : 'business' },
        latencyMs: Math.round(400 * Math.exp(0.5 * gaussian(rng))),
        costUsd: 0.0004 + 0.0001 * rng.next(),
      };
      if (rng.next() < 0.01) t.error = 'upstream timeout';
      if (rng.next() < (opts.feedbackShare ?? 0.3))
        t.feedback = [{ name: 'thumbs', value: rng.next() < downP ? -1 : 1 }];
      if (rng.next() < 0.05) t.signals = ['rephrase'];
      out.push(t);
    }
  }
  return out;
}

function gaussian(rng: ReturnType<typeof createRng>): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}
