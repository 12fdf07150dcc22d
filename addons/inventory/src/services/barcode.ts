// Barcodes: a number of 8, 12 or 13 digits is an EAN-8, UPC-A or EAN-13 and must carry a valid
// GS1 check digit; anything else is a free internal code (letters, digits, - . _ /).

export type BarcodeKind = 'ean8' | 'upca' | 'ean13' | 'internal';

/** The GS1 check digit of the digits before it (weights 3,1,3,... from the right). */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** The kind of a barcode, or an error message saying what is wrong with it. */
export function checkBarcode(code: string): { kind: BarcodeKind } | { error: string } {
  if (/^\d+$/.test(code) && [8, 12, 13].includes(code.length)) {
    const kind = code.length === 8 ? 'ean8' : code.length === 12 ? 'upca' : 'ean13';
    const expected = gs1CheckDigit(code.slice(0, -1));
    if (Number(code.at(-1)) !== expected) {
      return { error: `has a wrong check digit for ${kind.toUpperCase()} (expected ${expected})` };
    }
    return { kind };
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/.test(code)) {
    return { error: 'must be an EAN-13, UPC-A or EAN-8, or an internal code of letters, digits and - . _ /' };
  }
  return { kind: 'internal' };
}
