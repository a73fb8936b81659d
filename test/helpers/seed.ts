// Bulk seeding for benchmarks: cases built by the real workflow (startCase), inserted in batches.
import { createHash } from 'node:crypto';
import { yearOf } from '../../src/calendar/dates.js';
import type { Calendar } from '../../src/calendar/working-days.js';
import type { Database } from '../../src/db/client.js';
import { caseEvents, cases, timers } from '../../src/db/schema.js';
import type { ApplicantRecord } from '../../src/db/schema.js';
import { startCase } from '../../src/workflow/workflow.js';

const COLUMNS = ['person', 'business', 'research', 'public_welfare', 'legal_services', 'other_org'] as const;

export async function seedCases(args: {
  db: Database;
  calendar: Calendar;
  agencies: { id: number; code: string }[];
  count: number;
  receivedOn: (i: number) => string;
  /** Which derived timers to insert (default: all). */
  timerKinds?: string[];
  batch?: number;
  patch?: (i: number) => Partial<typeof cases.$inferInsert>;
}): Promise<void> {
  const batch = args.batch ?? 1000;
  const counters = new Map<string, number>();
  for (let start = 0; start < args.count; start += batch) {
    const rows: (typeof cases.$inferInsert)[] = [];
    const planned: { timers: ReturnType<typeof startCase>['timers']; receivedOn: string }[] = [];
    for (let i = start; i < Math.min(args.count, start + batch); i += 1) {
      const agency = args.agencies[i % args.agencies.length]!;
      const receivedOn = args.receivedOn(i);
      const started = startCase({ receivedOn, calendar: args.calendar });
      const key = `${agency.id}:${yearOf(receivedOn)}`;
      const seq = (counters.get(key) ?? 0) + 1;
      counters.set(key, seq);
      const column = COLUMNS[i % COLUMNS.length]!;
      const applicant: ApplicantRecord = {
        kind: column === 'person' ? 'person' : 'organization',
        orgCategory: column === 'person' ? null : column === 'other_org' ? 'other' : column,
        name: `申请人${i}`,
        idType: column === 'person' ? 'passport' : 'credit_code',
        idNumber: `B${String(i).padStart(9, '0')}`,
        phone: '13800138000',
        email: null,
        address: null,
      };
      rows.push({
        trackingNumber: `${agency.code}-${yearOf(receivedOn)}-${String(seq).padStart(7, '0')}`,
        agencyId: agency.id,
        accessCodeHash: createHash('sha256').update(`code${i}`).digest('hex'),
        channel: 'online',
        state: started.snapshot.state,
        version: 1,
        snapshot: started.snapshot,
        receivedOn,
        dueOn: started.deadlines.answerDueOn,
        dueProvisional: started.deadlines.provisional,
        clockStopped: false,
        applicantColumn: column,
        applicantName: applicant.name,
        applicant,
        applicantKey: createHash('sha256').update(applicant.idNumber).digest('hex'),
        description: `请公开第${i % 997}号文件及其附件的全文`,
        format: 'electronic',
        delivery: 'online',
        ...args.patch?.(i),
      });
      planned.push({ timers: started.timers, receivedOn });
    }
    const inserted = await args.db.insert(cases).values(rows).returning({ id: cases.id, state: cases.state, dueOn: cases.dueOn });
    await args.db.insert(caseEvents).values(
      inserted.map((c, k) => ({
        caseId: c.id,
        seq: 1,
        type: 'SUBMITTED',
        on: planned[k]!.receivedOn,
        at: new Date(),
        actorKind: 'applicant' as const,
        stateAfter: c.state,
        dueOnAfter: c.dueOn,
        payload: {},
      })),
    );
    const timerRows = inserted.flatMap((c, k) =>
      planned[k]!.timers.filter((t) => !args.timerKinds || args.timerKinds.includes(t.kind)).map((t) => ({
        caseId: c.id,
        kind: t.kind,
        dueOn: t.dueOn,
        fireAt: t.fireAt,
        status: 'pending' as const,
      })),
    );
    if (timerRows.length) await args.db.insert(timers).values(timerRows);
  }
}
