import t from 'tap';
import { endOfShanghaiDay, isIsoDate, shanghaiDate, toShanghaiIso } from './dates.js';
import { OFFICIAL_SCHEDULES } from './official-schedules.js';
import { addWorkingDays, buildCalendar, isWorkingDay, scheduleProblems, workingDayOnOrAfter, workingDaysBefore, workingDaysBetween } from './working-days.js';

const calendar = buildCalendar(OFFICIAL_SCHEDULES);

// [from, working days, due, provisional, what it checks] — computed by hand from the notices.
const deadlines: [string, number, string, boolean, string][] = [
  ['2026-01-05', 1, '2026-01-06', false, 'ordinary Monday → Tuesday'],
  ['2025-12-31', 1, '2026-01-04', false, 'New Year 2026 off 01-01..03, Sunday 01-04 worked'],
  ['2025-12-31', 2, '2026-01-05', false, 'year end, second day'],
  ['2025-12-31', 3, '2026-01-06', false, 'year end, third day'],
  ['2026-02-12', 1, '2026-02-13', false, 'Friday before Spring Festival 2026'],
  ['2026-02-12', 2, '2026-02-14', false, 'Saturday 02-14 is a make-up working day'],
  ['2026-02-12', 3, '2026-02-24', false, 'Spring Festival 02-15..02-23 skipped'],
  ['2026-02-12', 4, '2026-02-25', false, 'after Spring Festival'],
  ['2026-02-16', 1, '2026-02-24', false, 'start day inside the holiday'],
  ['2026-02-23', 20, '2026-03-20', false, '20 days from the last holiday day, 02-28 worked'],
  ['2026-02-28', 1, '2026-03-02', false, 'start day a make-up Saturday'],
  ['2026-09-18', 1, '2026-09-20', false, 'Sunday 09-20 worked before Mid-Autumn'],
  ['2026-09-18', 2, '2026-09-21', false, 'Monday after that Sunday'],
  ['2026-09-24', 1, '2026-09-28', false, 'Mid-Autumn 2026 09-25..09-27'],
  ['2026-09-30', 1, '2026-10-08', false, 'National Day 2026 10-01..10-07'],
  ['2026-09-30', 2, '2026-10-09', false, 'after National Day'],
  ['2026-09-30', 3, '2026-10-10', false, 'Saturday 10-10 worked'],
  ['2026-09-30', 4, '2026-10-12', false, 'Monday after'],
  ['2026-10-03', 1, '2026-10-08', false, 'start day a holiday Saturday'],
  ['2026-04-03', 1, '2026-04-07', false, 'Qingming 2026 04-04..04-06'],
  ['2026-04-30', 1, '2026-05-06', false, 'May Day 2026 05-01..05-05'],
  ['2026-04-30', 4, '2026-05-09', false, 'Saturday 05-09 worked'],
  ['2026-04-30', 5, '2026-05-11', false, 'Monday after'],
  ['2026-06-18', 1, '2026-06-22', false, 'Dragon Boat 2026 06-19..06-21'],
  ['2024-02-02', 1, '2024-02-04', false, 'Sunday 02-04 worked before Spring Festival 2024'],
  ['2024-02-08', 1, '2024-02-09', false, 'Friday before Spring Festival 2024'],
  ['2024-02-08', 2, '2024-02-18', false, 'Spring Festival 2024 02-10..02-17, Sunday 02-18 worked'],
  ['2024-02-08', 3, '2024-02-19', false, 'Monday after'],
  ['2024-04-03', 1, '2024-04-07', false, 'Qingming 2024, Sunday 04-07 worked'],
  ['2024-04-26', 1, '2024-04-28', false, 'Sunday 04-28 worked before May Day 2024'],
  ['2024-04-26', 4, '2024-05-06', false, 'May Day 2024 05-01..05-05'],
  ['2024-06-07', 1, '2024-06-11', false, 'Dragon Boat 2024 06-10'],
  ['2024-09-13', 1, '2024-09-14', false, 'Saturday 09-14 worked before Mid-Autumn 2024'],
  ['2024-09-13', 2, '2024-09-18', false, 'Mid-Autumn 2024 09-15..09-17'],
  ['2024-09-27', 1, '2024-09-29', false, 'Sunday 09-29 worked before National Day 2024'],
  ['2024-09-27', 3, '2024-10-08', false, 'National Day 2024 10-01..10-07'],
  ['2024-10-08', 4, '2024-10-12', false, 'Saturday 10-12 worked'],
  ['2024-12-31', 1, '2025-01-02', false, 'year end 2024 into New Year 2025'],
  ['2025-01-24', 1, '2025-01-26', false, 'Sunday 01-26 worked before Spring Festival 2025'],
  ['2025-01-24', 3, '2025-02-05', false, 'Spring Festival 2025 01-28..02-04'],
  ['2025-01-24', 6, '2025-02-08', false, 'Saturday 02-08 worked'],
  ['2025-01-20', 20, '2025-02-21', false, '20 working days across Spring Festival 2025'],
  ['2025-04-03', 1, '2025-04-07', false, 'Qingming 2025 04-04..04-06'],
  ['2025-04-25', 1, '2025-04-27', false, 'Sunday 04-27 worked before May Day 2025'],
  ['2025-04-25', 5, '2025-05-06', false, 'May Day 2025 05-01..05-05'],
  ['2025-05-30', 1, '2025-06-03', false, 'Dragon Boat 2025 05-31..06-02'],
  ['2025-09-26', 1, '2025-09-28', false, 'Sunday 09-28 worked before National Day 2025'],
  ['2025-09-26', 4, '2025-10-09', false, 'National Day 2025 10-01..10-08'],
  ['2025-09-26', 6, '2025-10-11', false, 'Saturday 10-11 worked'],
  ['2025-09-22', 20, '2025-10-24', false, '20 working days across National Day 2025'],
  ['2026-12-01', 20, '2026-12-29', false, '20 days ending inside 2026'],
  // 2027 is not loaded: weekends and the holidays fixed by date (《全国年节及纪念日放假办法》 art. 2),
  // with a make-up day for each that falls on a weekend (art. 6); provisional.
  ['2026-12-28', 5, '2027-01-05', true, 'into 2027, not loaded: Friday 1 January (元旦) is off, provisional'],
  ['2026-12-15', 20, '2027-01-13', true, '20 days into 2027 skip 元旦, provisional'],
  ['2027-03-01', 5, '2027-03-08', true, 'entirely inside 2027'],
  ['2027-04-30', 1, '2027-05-05', true, '劳动节 2027: 1–2 May fall on a weekend, made up on Monday 3 and Tuesday 4 May'],
  ['2027-09-30', 1, '2027-10-06', true, '国庆节 2027: 1 October a Friday, 2–3 on the weekend, made up on 4 and 5 October'],
  ['2027-12-30', 2, '2028-01-04', true, '元旦 2028 falls on a Saturday: made up on Monday 3 January'],
  ['2026-05-01', 0, '2026-05-01', false, 'zero days'],
];

t.test('N-th working day after a date, from the official notices', async (t) => {
  for (const [from, days, due, provisional, why] of deadlines) {
    t.same(addWorkingDays({ from, days, calendar }), { due, provisional }, `${from} + ${days} → ${due}: ${why}`);
  }
});

t.test('working days between two dates (start day not counted)', async (t) => {
  const table: [string, string, number, boolean][] = [
    ['2026-02-12', '2026-02-24', 3, false],
    ['2026-09-30', '2026-10-12', 4, false],
    ['2025-12-31', '2026-01-05', 2, false],
    ['2026-03-02', '2026-03-02', 0, false],
    ['2026-03-09', '2026-03-02', 0, false],
    ['2026-12-30', '2027-01-05', 3, true],
  ];
  for (const [from, to, days, provisional] of table) {
    t.same(workingDaysBetween({ from, to, calendar }), { days, provisional }, `${from} → ${to}`);
  }
});

t.test('single days', async (t) => {
  t.same(isWorkingDay(calendar, '2026-02-14'), { working: true, provisional: false }, 'make-up Saturday');
  t.same(isWorkingDay(calendar, '2026-02-16'), { working: false, provisional: false }, 'Spring Festival Monday');
  t.same(isWorkingDay(calendar, '2026-03-07'), { working: false, provisional: false }, 'ordinary Saturday');
  t.same(isWorkingDay(calendar, '2027-01-01'), { working: false, provisional: true }, 'unloaded year: 元旦 is fixed by date');
  t.same(isWorkingDay(calendar, '2027-01-04'), { working: true, provisional: true }, 'unloaded year: an ordinary Monday');
  t.same(isWorkingDay(calendar, '2027-05-04'), { working: false, provisional: true }, 'unloaded year: the second make-up day of 劳动节');
  t.same(isWorkingDay(calendar, '2027-02-08'), { working: true, provisional: true }, 'unloaded year: lunar holidays are unknown until the notice');
  t.same(workingDayOnOrAfter({ date: '2026-10-01', calendar }), { date: '2026-10-08', provisional: false });
  t.same(workingDayOnOrAfter({ date: '2026-10-10', calendar }), { date: '2026-10-10', provisional: false });
  t.same(workingDayOnOrAfter({ date: '2026-11-28', calendar }), { date: '2026-11-30', provisional: false });
  t.same(workingDaysBefore({ date: '2026-10-09', days: 2, calendar }), { date: '2026-09-30', provisional: false });
});

t.test('loading 2027 turns a provisional count final', async (t) => {
  const with2027 = buildCalendar([...OFFICIAL_SCHEDULES, { year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] }]);
  t.same(addWorkingDays({ from: '2026-12-28', days: 5, calendar: with2027 }), { due: '2027-01-05', provisional: false });
});

t.test('Asia/Shanghai days whatever the machine zone', async (t) => {
  t.equal(shanghaiDate(new Date('2026-11-26T15:59:59Z')), '2026-11-26');
  t.equal(shanghaiDate(new Date('2026-11-26T16:00:00Z')), '2026-11-27');
  t.equal(endOfShanghaiDay('2026-11-27').toISOString(), '2026-11-27T16:00:00.000Z');
  t.equal(toShanghaiIso(new Date('2026-11-26T16:30:00Z')), '2026-11-27T00:30:00+08:00');
  t.ok(isIsoDate('2024-02-29'));
  t.notOk(isIsoDate('2025-02-29'));
  t.notOk(isIsoDate('2025-2-1'));
});

t.test('an administrator schedule is checked', async (t) => {
  t.same(scheduleProblems({ year: 2027, holidays: ['2027-02-06'], workdays: ['2027-02-20'] }), {});
  t.match(scheduleProblems({ year: 2027, holidays: ['2026-12-31'], workdays: [] }), { holidays: /不在 2027 年内/ });
  t.match(scheduleProblems({ year: 2027, holidays: [], workdays: ['2027-02-17'] }), { workdays: /不是周末/ });
  t.match(scheduleProblems({ year: 2027, holidays: ['2027-02-20'], workdays: ['2027-02-20'] }), { workdays: /不能既是/ });
});
