import { type CustomFieldDef, isCurrency, type JsonSchema } from '@elevate/sdk';

// The JSON Schema of one custom field's value, by type. Values are JSON: numbers and money
// amounts are decimal strings (exact, never floats), dates `YYYY-MM-DD`, options their ids.

const DECIMAL = '^-?\\d{1,20}(\\.\\d{1,10})?$';
const PHONE = '^\\+?[0-9 ().\\-]{3,40}$';

/** What a failed pattern means, in words a form can show under the field (not the regex). */
export const PATTERN_MESSAGES: Record<string, string> = {
  [DECIMAL]: 'must be a number, e.g. 12 or 12.50',
  [PHONE]: 'must be a phone number (digits, spaces, + ( ) . -)',
  '^https?://': 'must start with http:// or https://',
  '^[A-Z]{3}$': 'must be a currency code, e.g. EUR',
};

export function valueSchema(def: Pick<CustomFieldDef, 'type' | 'options'>): JsonSchema {
  switch (def.type) {
    case 'text':
      return { type: 'string', maxLength: 2000 };
    case 'number':
      return { type: 'string', pattern: DECIMAL, description: 'a decimal number as a string' };
    case 'money':
      return {
        type: 'object',
        additionalProperties: false,
        required: ['amount', 'currency'],
        properties: {
          amount: { type: 'string', pattern: DECIMAL },
          currency: { type: 'string', pattern: '^[A-Z]{3}$', currency: true },
        },
      };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'select':
      return { enum: def.options.map((o) => o.id) };
    case 'multiselect':
      return { type: 'array', uniqueItems: true, maxItems: 100, items: { enum: def.options.map((o) => o.id) } };
    case 'checkbox':
      return { type: 'boolean' };
    case 'link':
      return { type: 'string', format: 'uuid' };
    case 'url':
      return { type: 'string', maxLength: 2000, format: 'uri', pattern: '^https?://' };
    case 'email':
      return { type: 'string', maxLength: 320, format: 'email' };
    case 'phone':
      return { type: 'string', maxLength: 40, pattern: PHONE };
  }
}

/** Whether a currency code is one the SDK knows (ajv keyword `currency`). */
export const knownCurrency = (code: unknown): boolean => typeof code === 'string' && isCurrency(code);
