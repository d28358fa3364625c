import Joi from 'joi';

/** What a customer can buy: a one-off credit pack, or a monthly licence plan. */
export interface CreditPack {
  id: string;
  kind: 'credits';
  name: string;
  credits: number;
  /** A Stripe Price id, or an amount in the currency's smallest unit with its currency. */
  priceId?: string;
  amount?: number;
  currency?: string;
}

export interface LicencePlan {
  id: string;
  kind: 'licence';
  name: string;
  licenseType: 'PREMIUM' | 'ENTERPRISE';
  interval: 'month' | 'year';
  priceId?: string;
  amount?: number;
  currency?: string;
}

export type PaymentPack = CreditPack | LicencePlan;

/** The packs on offer when BILLING_PACKS is not set (amounts in cents). */
export const DEFAULT_PAYMENT_PACKS: PaymentPack[] = [
  { id: 'small', kind: 'credits', name: '500 credits', credits: 500, amount: 500, currency: 'usd' },
  {
    id: 'medium',
    kind: 'credits',
    name: '2,000 credits',
    credits: 2000,
    amount: 1800,
    currency: 'usd',
  },
  {
    id: 'large',
    kind: 'credits',
    name: '10,000 credits',
    credits: 10000,
    amount: 8000,
    currency: 'usd',
  },
  {
    id: 'premium-monthly',
    kind: 'licence',
    name: 'Premium licence, monthly',
    licenseType: 'PREMIUM',
    interval: 'month',
    amount: 2900,
    currency: 'usd',
  },
  {
    id: 'enterprise-monthly',
    kind: 'licence',
    name: 'Enterprise licence, monthly',
    licenseType: 'ENTERPRISE',
    interval: 'month',
    amount: 19900,
    currency: 'usd',
  },
];

const price = {
  priceId: Joi.string().pattern(/^price_[A-Za-z0-9]+$/),
  amount: Joi.number().integer().min(50),
  currency: Joi.string().lowercase().length(3),
};
const common = {
  id: Joi.string()
    .pattern(/^[a-z0-9][a-z0-9-]{0,39}$/)
    .required(),
  name: Joi.string().min(1).max(100).required(),
  ...price,
};
const packSchema = Joi.alternatives().conditional('.kind', {
  switch: [
    {
      is: 'credits',
      then: Joi.object({
        ...common,
        kind: Joi.valid('credits').required(),
        credits: Joi.number().integer().min(1).max(1_000_000).required(),
      }),
    },
    {
      is: 'licence',
      then: Joi.object({
        ...common,
        kind: Joi.valid('licence').required(),
        licenseType: Joi.valid('PREMIUM', 'ENTERPRISE').required(),
        interval: Joi.valid('month', 'year').default('month'),
      }),
    },
  ],
  otherwise: Joi.object({ kind: Joi.valid('credits', 'licence').required() }).unknown(),
});
const packsSchema = Joi.array()
  .items(packSchema.custom(pricedOnce))
  .min(1)
  .unique('id')
  .messages({ 'array.unique': 'pack ids must be unique' });

function pricedOnce(pack: PaymentPack, helpers: Joi.CustomHelpers) {
  const byPrice = !!pack.priceId;
  const byAmount = pack.amount !== undefined && !!pack.currency;
  if (byPrice === byAmount)
    return helpers.message({
      custom: `pack "${pack.id}" needs either a priceId or an amount with a currency`,
    });
  return pack;
}

/** Parses BILLING_PACKS (a JSON array); an empty value gives the defaults. Throws naming the problem. */
export function parsePaymentPacks(json: string | undefined): PaymentPack[] {
  if (!json?.trim()) return DEFAULT_PAYMENT_PACKS;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('"BILLING_PACKS" must be a JSON array of packs');
  }
  const { error, value } = packsSchema.validate(raw, { abortEarly: false });
  if (error) throw new Error(`"BILLING_PACKS": ${error.message}`);
  return value as PaymentPack[];
}

/** Joi rule for the variable: the string must parse as packs. */
export const billingPacksEnv = Joi.string()
  .allow('')
  .default('')
  .custom((value: string, helpers) => {
    try {
      parsePaymentPacks(value);
      return value;
    } catch (e) {
      return helpers.message({ custom: (e as Error).message });
    }
  });
