// The tenant's primary colour (white label) with a text colour that stays readable on it (WCAG AA).

const HEX = /^#([0-9a-f]{6})$/i;

function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** CSS custom properties for a primary colour, or none for the default theme. */
export function brandStyle(primary: string | null | undefined): string {
  if (!primary || !HEX.test(primary)) return '';
  const onPrimary = contrast(primary, '#ffffff') >= contrast(primary, '#0f172a') ? '#ffffff' : '#0f172a';
  return `--primary: ${primary}; --on-primary: ${onPrimary};`;
}
