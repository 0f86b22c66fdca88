/** A small support bot: answers from a fixed FAQ, the way a real app answers from its retriever. */
const FAQ: { keywords: string[]; answer: string }[] = [
  { keywords: ['refund', 'money back'], answer: 'Refunds are available within 30 days with the receipt.' },
  { keywords: ['shipping', 'deliver'], answer: 'Standard shipping takes 3 to 5 business days.' },
  { keywords: ['password', 'log in', 'login'], answer: 'Reset your password from the login page.' },
];

export async function supportBot(question: string): Promise<string> {
  const q = question.toLowerCase();
  const hit = FAQ.find((f) => f.keywords.some((k) => q.includes(k)));
  return hit?.answer ?? 'Sorry, I can only help with refunds, shipping and passwords.';
}
