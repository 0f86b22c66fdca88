/**
 * Phrases with which assistants decline, in English. A list, not a model: it catches the usual
 * formulas ("I can't help with that", "I'm unable to", "As an AI…") and misses refusals phrased
 * any other way; a guard model or a judge is the tool for those.
 */
const REFUSALS: RegExp[] = [
  /\bI(?:'m| am)? (?:sorry|afraid),? (?:but )?I (?:can(?:no|')t|cannot|won'?t|am not able|'m not able|am unable|'m unable)/i,
  /\bI (?:can(?:no|')t|cannot|won'?t|will not|must decline to|am not (?:able|allowed|permitted) to|'m not (?:able|allowed|permitted) to|am unable to|'m unable to) (?:help|assist|provide|share|do|comply|answer|give|discuss|disclose|reveal|fulfil|fulfill|support|create|generate|write|offer)/i,
  /\bI (?:must|have to|need to) (?:respectfully )?decline\b/i,
  /\b(?:that|this)(?:'s| is) (?:outside|beyond|not within) (?:of )?(?:my|the) (?:scope|remit|what I can)/i,
  /\bI(?:'m| am) (?:only )?(?:able|here) to (?:only )?help (?:you )?with\b/i,
  /\bI can only (?:help|assist|answer|discuss)\b/i,
  /\bAs an AI(?: language model| assistant)?,? I (?:can(?:no|')t|cannot|don'?t|am not|'m not)/i,
  /\bI(?:'m| am) not (?:comfortable|in a position) (?:with |to )/i,
  /\bI don'?t (?:have access to|provide|share|give out) (?:personal|private|confidential|internal|that)/i,
];

/** The refusal phrase the text contains, if any. Apostrophes are normalised (’ → '). */
export function findRefusal(text: string): string | undefined {
  const t = text.replace(/[\u2018\u2019\u02bc]/g, "'");
  for (const re of REFUSALS) {
    const m = re.exec(t);
    if (m) return m[0];
  }
  return undefined;
}
