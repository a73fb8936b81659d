import t from 'tap';
import { processingFee } from './fees.js';

t.test('per item tiers by the running count in the month (国办函〔2020〕109号)', async (t) => {
  const perItem = (quantity: number, itemsEarlierInMonth = 0) => processingFee({ method: 'per_item', quantity, itemsEarlierInMonth });
  t.equal(perItem(10), 0, 'items 1–10 free');
  t.equal(perItem(11), 100, 'item 11 costs 100');
  t.equal(perItem(30), 2000, 'items 11–30 at 100');
  t.equal(perItem(31), 2200, 'item 31 at 200');
  t.equal(perItem(40), 4000, '31–40 at 200');
  t.equal(perItem(41), 4300, 'item 41 at 300');
  t.equal(perItem(50), 7000, '41–50 at 300');
  t.equal(perItem(51), 7400, 'item 51 at 400');
  t.equal(perItem(3, 12), 300, 'items 13–15 of the month');
  t.equal(perItem(5, 8), 300, 'items 9–13: two free, three at 100');
  t.equal(perItem(2, 29), 300, 'items 30 and 31: 100 + 200');
});

t.test('per page tiers per application', async (t) => {
  const perPage = (quantity: number) => processingFee({ method: 'per_page', quantity, itemsEarlierInMonth: 99 });
  t.equal(perPage(30), 0, 'pages 1–30 free');
  t.equal(perPage(31), 10);
  t.equal(perPage(100), 700, '70 pages at 10');
  t.equal(perPage(101), 720);
  t.equal(perPage(200), 2700, '+100 pages at 20');
  t.equal(perPage(201), 2740);
  t.equal(perPage(250), 4700, '+50 pages at 40');
});
