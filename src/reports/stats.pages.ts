import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { staffPage } from '../http/auth.js';
import { STATE_LABELS } from '../workflow/labels.js';
import { OPEN_STATES } from '../workflow/types.js';
import { dashboard } from './stats.service.js';
import { barChart } from './stats.js';

export async function statsPages(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  app.get('/staff/stats', { preHandler: staffPage(ctx, ['admin', 'supervisor', 'overseer']) }, async (request, reply) => {
    const d = await dashboard(ctx, request.principal!);
    const open = OPEN_STATES.map((s) => ({ label: STATE_LABELS[s].replace(/（.*）/, ''), value: d.byState[s] ?? 0 }));
    const overall = new Map<string, { answered: number; onTime: number }>();
    for (const m of d.months) {
      const o = overall.get(m.month) ?? { answered: 0, onTime: 0 };
      overall.set(m.month, { answered: o.answered + m.answered, onTime: o.onTime + m.onTime });
    }
    const rateBars = [...overall.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([month, o]) => ({ label: month.slice(2), value: Math.round((o.onTime / o.answered) * 100), text: `${Math.round((o.onTime / o.answered) * 100)}%` }));
    return reply.page('staff/stats', {
      title: '统计',
      openTotal: open.reduce((s, b) => s + b.value, 0),
      open,
      dueSoon: d.dueSoon,
      overdue: d.overdue,
      openChart: barChart({ bars: open }),
      rateChart: barChart({ bars: rateBars, max: 100 }),
      months: d.months.map((m) => ({
        ...m,
        rateText: m.onTimeRate === null ? '—' : `${Math.round(m.onTimeRate * 100)}%`,
        medianText: m.medianWorkingDays === null ? '—' : String(m.medianWorkingDays),
      })),
    });
  });
}
