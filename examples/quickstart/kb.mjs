// The knowledge base of a small support bot: what the app retrieves from.
export const DOCS = [
  {
    id: 'refund-policy',
    text: 'Refunds are available within 30 days of purchase with the original receipt.',
  },
  { id: 'refund-time', text: 'Approved refunds reach your card within 5 business days.' },
  { id: 'shipping-std', text: 'Standard shipping takes 3 to 5 business days and is free over 50 dollars.' },
  { id: 'shipping-express', text: 'Express shipping arrives the next business day and costs 15 dollars.' },
  { id: 'warranty', text: 'Every Acme kettle has a 2 year warranty covering manufacturing defects.' },
  { id: 'warranty-claim', text: 'To claim the warranty, email support@acme.example with your order number.' },
  { id: 'password-reset', text: 'Reset your password from the login page with the Forgot password link.' },
  {
    id: 'account-delete',
    text: 'Deleting your account is permanent and removes your order history after 30 days.',
  },
  { id: 'store-hours', text: 'Our stores open at 9 am and close at 6 pm, Monday to Saturday.' },
  { id: 'kettle-capacity', text: 'The Acme kettle holds 1.7 litres and boils in about 3 minutes.' },
  { id: 'toaster-slots', text: 'The Acme toaster has 4 slots and 7 browning levels.' },
  { id: 'legacy-blender', text: 'The Blendo 2000 was discontinued in 2021; spare parts are no longer sold.' },
];
