// The symbology a printed label carries, per product and per lot (the label pages render it with
// bwip-js; web/test/e2e/inventory-lots.e2e.test.ts shows the pages), and what the camera scan says
// when the camera cannot be used. Pure: no database.
import { describe, expect, it } from 'vitest';
import { checkBarcode } from '../src/services/barcode.ts';
import { cameraError } from '../web/camera.ts';
import { labelCopies, lotLabelBarcode, productLabelBarcode } from '../web/labels.ts';

describe('label barcodes', () => {
  it('prints a valid EAN-13, UPC-A or EAN-8 barcode as itself', () => {
    expect(productLabelBarcode({ sku: 'MUG-1', barcode: '4006381333931' })).toEqual({
      bcid: 'ean13',
      text: '4006381333931',
    });
    expect(productLabelBarcode({ sku: 'MUG-1', barcode: '036000291452' })).toEqual({
      bcid: 'upca',
      text: '036000291452',
    });
    expect(productLabelBarcode({ sku: 'MUG-1', barcode: '96385074' })).toEqual({ bcid: 'ean8', text: '96385074' });
    expect(productLabelBarcode({ sku: 'MUG-1', barcode: ' 96385074 ' })).toEqual({ bcid: 'ean8', text: '96385074' });
  });

  it('prints Code 128 of the SKU without a barcode, with an internal code or a wrong check digit', () => {
    const code128 = { bcid: 'code128', text: 'MUG-1' };
    expect(productLabelBarcode({ sku: 'MUG-1', barcode: null })).toEqual(code128);
    expect(productLabelBarcode({ sku: 'MUG-1' })).toEqual(code128);
    expect(productLabelBarcode({ sku: 'MUG-1', barcode: '' })).toEqual(code128);
    expect(productLabelBarcode({ sku: 'MUG-1', barcode: 'INT-0042' })).toEqual(code128);
    expect(productLabelBarcode({ sku: 'MUG-1', barcode: '4006381333932' })).toEqual(code128);
    // Digits of another length (an ITF-14, a short internal number) are not GS1 retail codes here.
    expect(productLabelBarcode({ sku: 'MUG-1', barcode: '10012345678902' })).toEqual(code128);
    expect(productLabelBarcode({ sku: 'MUG-1', barcode: '1234567' })).toEqual(code128);
  });

  it('agrees with the server’s barcode rules on which codes are GS1', () => {
    for (const barcode of [
      '4006381333931',
      '036000291452',
      '96385074',
      '12345670',
      '0012345678905',
      'ABC-1',
      '123456789012',
    ]) {
      const server = checkBarcode(barcode);
      const kind = 'kind' in server ? server.kind : 'invalid';
      const label = productLabelBarcode({ sku: 'S', barcode }).bcid;
      expect([barcode, label]).toEqual([barcode, kind === 'internal' || kind === 'invalid' ? 'code128' : kind]);
    }
  });

  it('prints Code 128 of a lot or serial name', () => {
    expect(lotLabelBarcode({ name: 'SN-100' })).toEqual({ bcid: 'code128', text: 'SN-100' });
  });

  it('keeps the copies between 1 and 200, and falls back when none is given', () => {
    expect(labelCopies('24')).toBe(24);
    expect(labelCopies('0')).toBe(1);
    expect(labelCopies('5000')).toBe(200);
    expect(labelCopies(null, 12)).toBe(12);
    expect(labelCopies('lots', 12)).toBe(12);
  });
});

describe('camera scan errors', () => {
  it('names why the camera cannot be used, from getUserMedia’s error', () => {
    expect(cameraError(new DOMException('Permission denied', 'NotAllowedError'))).toMatch(/^Camera access was refused/);
    expect(cameraError(new DOMException('Requested device not found', 'NotFoundError'))).toMatch(
      /^No camera was found/,
    );
    expect(cameraError(new DOMException('Could not start video source', 'NotReadableError'))).toMatch(/in use/);
    expect(cameraError(new DOMException('x', 'NotSupportedError'))).toMatch(/secure https/);
    expect(cameraError(new Error('boom'))).toBe(
      'The camera could not be started: boom. Type the code or use a handheld scanner.',
    );
    expect(cameraError('??')).toBe('The camera could not be started. Type the code or use a handheld scanner.');
  });
});
