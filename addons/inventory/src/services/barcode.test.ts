import { describe, expect, it } from 'vitest';
import { checkBarcode, gs1CheckDigit } from './barcode.ts';
import { convert, format, parse } from './decimal.ts';

describe('barcodes', () => {
  it('accepts valid EAN-13, UPC-A and EAN-8 codes (check digits computed by hand)', () => {
    // 400638133393: digits from the right weighted 3,1,3,…: 3·(3+3+3+8+0+0) + (9+3+3+6+4+0)... sum 89 → 10 − 9 = 1
    expect(checkBarcode('4006381333931')).toEqual({ kind: 'ean13' });
    expect(checkBarcode('036000291452')).toEqual({ kind: 'upca' });
    expect(checkBarcode('73513537')).toEqual({ kind: 'ean8' });
    expect(gs1CheckDigit('400638133393')).toBe(1);
  });
  it('refuses a wrong check digit, naming the kind and the expected digit', () => {
    expect(checkBarcode('4006381333932')).toEqual({ error: 'has a wrong check digit for EAN13 (expected 1)' });
    expect(checkBarcode('036000291453')).toMatchObject({ error: expect.stringContaining('UPCA') });
  });
  it('takes other codes as internal, refuses spaces and odd characters', () => {
    expect(checkBarcode('SHELF-A/01')).toEqual({ kind: 'internal' });
    expect(checkBarcode('12345')).toEqual({ kind: 'internal' });
    expect(checkBarcode('has space')).toHaveProperty('error');
  });
});

describe('exact decimals', () => {
  it('converts between units without floating point', () => {
    expect(convert('2', '12', '1')).toBe('24.0000'); // 2 dozen → 24 units
    expect(convert('1500', '0.001', '1')).toBe('1.5000'); // 1500 g → 1.5 kg
    expect(convert('0.1', '1', '0.001')).toBe('100.0000'); // 0.1 kg → 100 g
    expect(convert('5', '1', '12')).toBe('0.4167'); // 5 units → 0.4167 dozen (rounded half up)
    expect(format(parse('0.1') + parse('0.2'))).toBe('0.3000');
  });
});
