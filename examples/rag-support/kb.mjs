// The help-centre articles the support bot retrieves from.
export const ARTICLES = [
  {
    id: 'refund-policy',
    text: 'Refunds are available within 30 days of purchase with the original receipt. Opened software cannot be refunded.',
  },
  {
    id: 'refund-time',
    text: 'Approved refunds reach your card within 5 business days. Refunds to a gift card are instant.',
  },
  {
    id: 'shipping-std',
    text: 'Standard shipping takes 3 to 5 business days and is free on orders over 50 dollars.',
  },
  {
    id: 'shipping-express',
    text: 'Express shipping arrives the next business day if ordered before 2 pm and costs 15 dollars.',
  },
  {
    id: 'warranty',
    text: 'Every Acme kettle and toaster has a 2 year warranty covering manufacturing defects, not accidental damage.',
  },
  {
    id: 'warranty-claim',
    text: 'To claim the warranty, email support@acme.example with your order number and a photo of the defect.',
  },
  {
    id: 'password-reset',
    text: 'Reset your password from the login page with the Forgot password link; the link expires after 1 hour.',
  },
  {
    id: 'account-delete',
    text: 'Deleting your account is permanent. Your order history is removed after 30 days.',
  },
  {
    id: 'store-hours',
    text: 'Our stores open at 9 am and close at 6 pm, Monday to Saturday. They are closed on Sundays.',
  },
  {
    id: 'kettle-capacity',
    text: 'The Acme kettle holds 1.7 litres and boils a full jug in about 3 minutes.',
  },
];
