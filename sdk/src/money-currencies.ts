// ISO 4217 active currency codes and their minor units (digits after the decimal point), as
// published by the ISO 4217 maintenance agency (list one, 2025). Written out rather than read from
// `Intl.NumberFormat(...).resolvedOptions().maximumFractionDigits`: that is CLDR's display
// convention, not ISO's, and it differs for ~20 currencies — it gives IQD 0 (ISO: 3), HUF, IDR,
// COP, PKR, RSD, TWD... 0 (ISO: 2), and has no entry for the 4-digit units CLF and UYW.
// Funds codes (BOV, CHE, CHW, COU, MXV, USN, UYI, UYW, CLF) are included because they carry
// amounts; precious metals, XDR, XSU, XUA and test codes (XAU, XTS, XXX...) have no minor unit in
// ISO 4217 and are left out.

const ZERO = 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF';
const THREE = 'BHD IQD JOD KWD LYD OMR TND';
const FOUR = 'CLF UYW';
const TWO = `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP
  BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
  GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR
  LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB
  PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL
  THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG`;

function table(): Readonly<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [codes, digits] of [
    [ZERO, 0],
    [TWO, 2],
    [THREE, 3],
    [FOUR, 4],
  ] as const) {
    for (const code of codes.split(/\s+/)) if (code) out[code] = digits;
  }
  return Object.freeze(out);
}

/** ISO 4217 code → minor units (JPY 0, USD 2, KWD 3, CLF 4). */
export const currencies: Readonly<Record<string, number>> = table();
