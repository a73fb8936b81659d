// Processing fees (art. 42; 《政府信息公开信息处理费管理办法》国办函〔2020〕109号, docs/statute.md §3).
// One method per application, never both. Amounts in whole yuan.

export type FeeMethod = 'per_item' | 'per_page';

/**
 * Per item, by the applicant's running count in the calendar month: items 1–10 free, 11–30 at 100
 * yuan each, then each further block of 10 costs 100 yuan more each (31–40: 200, 41–50: 300, …).
 */
export function perItemPrice(itemNumberInMonth: number): number {
  if (itemNumberInMonth <= 10) return 0;
  if (itemNumberInMonth <= 30) return 100;
  return 100 * (Math.floor((itemNumberInMonth - 31) / 10) + 2);
}

/** Per page, per application: pages 1–30 free, 31–100 at 10 yuan, 101–200 at 20, from 201 at 40. */
export function perPagePrice(page: number): number {
  if (page <= 30) return 0;
  if (page <= 100) return 10;
  if (page <= 200) return 20;
  return 40;
}

export function processingFee(args: { method: FeeMethod; quantity: number; itemsEarlierInMonth: number }): number {
  const { method, quantity, itemsEarlierInMonth } = args;
  let total = 0;
  for (let i = 1; i <= quantity; i += 1) {
    total += method === 'per_item' ? perItemPrice(itemsEarlierInMonth + i) : perPagePrice(i);
  }
  return total;
}
