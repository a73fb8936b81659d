// What an application contains (art. 29): who applies and how to reach them, a description of the
// information, the form wanted and how to obtain it. Messages are shown beside the fields.
import { z } from 'zod';
import { checkbox } from '../common/validation.js';
import { isoDateField } from '../calendar/dates.js';
import { EMAIL_MESSAGE, isEmailAddress } from '../common/email.js';
import type { ApplicantRecord } from '../db/schema.js';
import { creditCodeProblem, residentIdProblem } from './identity-numbers.js';

export const ORG_CATEGORIES = ['business', 'research', 'public_welfare', 'legal_services', 'other'] as const;
export const CHANNELS = ['online', 'in_person', 'post', 'fax', 'email', 'oral'] as const;
/**
 * Art. 31: what arrives online, by fax or by e-mail is received when both sides confirm, which the
 * agency does on its next working day: the day it arrives if that is a working day, else the next.
 * In person, by post and orally (art. 29, written down by staff) it is received the day it is handed
 * in, signed for or made.
 */
export const RECEIVED_NEXT_WORKING_DAY: readonly Channel[] = ['online', 'fax', 'email'];
export type Channel = (typeof CHANNELS)[number];

export const LIMITS = {
  descriptionMin: 5,
  descriptionMax: 2000,
  attachmentCount: 5,
  attachmentBytes: 10 * 1024 * 1024,
} as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .nullable()
    .transform((v) => (v ? v : null));

const MOBILE = /^(\+?86)?1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-?\d{7,8}(-\d{1,6})?$/;

const phone = z
  .string()
  .trim()
  .min(1)
  .transform((v) => v.replace(/[\s()（）]/g, ''))
  .refine((v) => MOBILE.test(v) || LANDLINE.test(v), '请填写有效的手机号码或固定电话（如 0731-52325091）');
const email = z
  .string()
  .trim()
  .max(254)
  .optional()
  .nullable()
  .transform((v) => (v ? v.toLowerCase() : null))
  .refine((v) => v === null || isEmailAddress(v), EMAIL_MESSAGE);
const idNumber = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .transform((v) => v.replace(/\s/g, '').toUpperCase());

/** SMS notices besides e-mail (without an e-mail address they are sent anyway: notifications/sms.ts). */
const smsNotices = checkbox('短信通知只能选择是或否');

const person = z.object({
  kind: z.literal('person'),
  name: text(100),
  idType: z.enum(['resident_id', 'passport', 'other']),
  idNumber,
  phone,
  email,
  address: optionalText(200),
  smsNotices,
});

const organization = z.object({
  kind: z.literal('organization'),
  orgCategory: z.enum(ORG_CATEGORIES),
  name: text(200),
  idType: z.literal('credit_code').default('credit_code'),
  idNumber,
  phone,
  email,
  address: optionalText(200),
  smsNotices,
});

// The schema depends on the date only (birth dates may not be in the future); building a zod schema
// costs more than using one, so one is kept per day.
let cached: { today: string; schema: ReturnType<typeof buildApplicationSchema> } | null = null;

export function applicationSchema(today: string) {
  if (cached?.today !== today) cached = { today, schema: buildApplicationSchema(today) };
  return cached.schema;
}

function buildApplicationSchema(today: string) {
  return z
    .object({
      agency: z.string({ error: '请选择受理申请的机关' }).trim().min(1, '请选择受理申请的机关').max(64),
      applicant: z.discriminatedUnion('kind', [person, organization], { error: '请选择申请人类型：公民或法人/其他组织' }),
      description: z
        .string()
        .trim()
        .min(LIMITS.descriptionMin, `请具体描述所需的政府信息，至少 ${LIMITS.descriptionMin} 个字`)
        .max(LIMITS.descriptionMax, `所需信息描述不能超过 ${LIMITS.descriptionMax} 个字`),
      documentNumber: optionalText(100),
      purpose: optionalText(500),
      format: z.enum(['paper', 'electronic'], { error: '请选择获取信息的载体形式：纸质或电子' }),
      delivery: z.enum(['email', 'post', 'pickup', 'online'], { error: '请选择获取信息的方式' }),
      // Art. 44.
      suggestsPublication: checkbox('建议主动公开一项只能选择是或否'),
    })
    .superRefine((app, ctx) => {
      const a = app.applicant;
      const problem =
        a.idType === 'resident_id'
          ? residentIdProblem(a.idNumber, today)
          : a.idType === 'credit_code'
            ? creditCodeProblem(a.idNumber)
            : a.idType === 'passport' && !/^[A-Z0-9]{5,20}$/.test(a.idNumber)
              ? '护照号码应为5至20位字母或数字'
              : null;
      if (problem) ctx.addIssue({ code: 'custom', path: ['applicant', 'idNumber'], message: problem });
      if (app.delivery === 'email' && !a.email) {
        ctx.addIssue({ code: 'custom', path: ['applicant', 'email'], message: '选择以电子邮件获取时，请填写电子邮箱' });
      }
      if (app.delivery === 'post' && !a.address) {
        ctx.addIssue({ code: 'custom', path: ['applicant', 'address'], message: '选择邮寄时，请填写通信地址' });
      }
    });
}

export type Application = z.output<ReturnType<typeof buildApplicationSchema>>;

export function applicantRecord(app: Application): ApplicantRecord {
  const a = app.applicant;
  return {
    kind: a.kind,
    orgCategory: a.kind === 'organization' ? a.orgCategory : null,
    name: a.name,
    idType: a.idType,
    idNumber: a.idNumber,
    phone: a.phone,
    email: a.email,
    address: a.address,
    ...(a.smsNotices ? { smsNotices: true } : {}),
  };
}

/** The applicant's column in table 三 of the annual report. */
export function applicantColumn(a: ApplicantRecord): string {
  if (a.kind === 'person') return 'person';
  return a.orgCategory === 'other' || a.orgCategory === null ? 'other_org' : a.orgCategory;
}

export const registrationExtras = z.object({
  channel: z.enum(CHANNELS, { error: '请选择收到申请的渠道' }),
  receivedOn: isoDateField,
});
