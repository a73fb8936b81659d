// What an answer (政府信息公开申请答复书) says for each disposition: the article and item relied on
// and what that article requires the agency to tell the applicant (条例 arts. 2, 30, 32, 35–39;
// docs/statute.md §6). Pure: the answer's details come in; sentences come out.
import type { Disposition } from '../workflow/dispositions.js';
import { DISPOSITIONS } from '../workflow/dispositions.js';
import { chineseDate } from './chinese-dates.js';

export const TIAOLI = '《中华人民共和国政府信息公开条例》';

/** The answer's details as its timeline entry keeps them (every field a string; empty when not given). */
export type AnswerFacts = {
  disposition: Disposition;
  legalBasis: string;
  withheldReasons: string;
  alreadyPublicAt: string;
  responsibleAgency: string;
  responsibleAgencyContact: string;
  notResponsibleReason: string;
  howToObtain: string;
  otherChannel: string;
  publicInterest: string;
  earlierCase: string;
  earlierAnsweredOn: string;
};

/** What the case tells the answer beyond its details. */
export type AnswerCase = {
  /** Art. 30: when the correction was asked for and the corrected application received. */
  correction: { requestedOn: string; receivedOn: string | null } | null;
  /** Art. 35: when the reasons were asked for, by when, and when they came. */
  reasonsRequest: { requestedOn: string; replyBy: string; repliedOn?: string | null } | null;
  /** Art. 32: the third party objected (and its reasons). */
  objection: { party: string; reasons: string } | null;
};

/** The withholding article for each (三) row: the ground in arts. 14–16, then art. 36(3). */
const WITHHOLDING_ARTICLES: Partial<Record<Disposition, string>> = {
  withheld_state_secret: '第十四条、第三十六条第三项',
  withheld_prohibited_by_law: '第十四条、第三十六条第三项',
  withheld_security_stability: '第十四条、第三十六条第三项',
  withheld_third_party_rights: '第十五条、第三十二条、第三十六条第三项',
  withheld_internal_affairs: '第十六条第一款、第三十六条第三项',
  withheld_process_info: '第十六条第二款、第三十六条第三项',
  withheld_enforcement_file: '第十六条第二款、第三十六条第三项',
  withheld_administrative_query: '第三十六条第三项',
};

/** What each withholding ground says the information is. */
const WITHHOLDING_GROUNDS: Partial<Record<Disposition, string>> = {
  withheld_state_secret: '属于依法确定为国家秘密的政府信息',
  withheld_prohibited_by_law: '属于法律、行政法规禁止公开的政府信息',
  withheld_security_stability: '公开后可能危及国家安全、公共安全、经济安全、社会稳定',
  withheld_third_party_rights: '涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害',
  withheld_internal_affairs: '属于人事管理、后勤管理、内部工作流程等方面的内部事务信息',
  withheld_process_info: '属于行政机关在履行行政管理职能过程中形成的过程性信息',
  withheld_enforcement_file: '属于行政执法案卷信息',
  withheld_administrative_query: '属于行政查询事项，应当通过相应的查询渠道办理',
};

/** The article an answer cites, by what it decides (and, for (一) and (四)1, which item applies). */
export function answerArticle(f: Pick<AnswerFacts, 'disposition' | 'alreadyPublicAt' | 'responsibleAgency' | 'legalBasis'>): string {
  switch (f.disposition) {
    case 'disclosed':
      // Art. 36(1): already published proactively; 36(2): can be disclosed, and is given.
      return f.alreadyPublicAt ? `${TIAOLI}第三十六条第一项` : `${TIAOLI}第三十六条第二项`;
    case 'partially_disclosed':
      return `${TIAOLI}第三十七条`;
    case 'unavailable_not_held':
      // Art. 36(5) exactly when the responsible agency is named; otherwise 36(4): it does not exist.
      return f.responsibleAgency ? `${TIAOLI}第三十六条第五项` : `${TIAOLI}第三十六条第四项`;
    case 'unavailable_needs_creation':
      return `${TIAOLI}第三十八条`;
    case 'unavailable_unclear_after_correction':
      return `${TIAOLI}第三十条`;
    case 'rejected_complaint':
      return `${TIAOLI}第三十九条第一款`;
    case 'rejected_duplicate':
      return `${TIAOLI}第三十六条第六项`;
    case 'rejected_publication':
      return `${TIAOLI}第三十九条第二款`;
    case 'rejected_excessive':
      return `${TIAOLI}第三十五条`;
    case 'rejected_confirmation':
      // No article provides for it: a request to confirm or re-issue what one holds asks for no
      // recorded information of the agency's (art. 2, the definition of 政府信息).
      return `${TIAOLI}第二条`;
    case 'other_no_correction':
      return `${TIAOLI}第三十条`;
    case 'other_fee_unpaid':
      return `${TIAOLI}第四十二条，《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）`;
    case 'other':
      // "Other" states its own basis (a special law, art. 36(7) …): what the clerk wrote.
      return f.legalBasis;
    default:
      return `${TIAOLI}${WITHHOLDING_ARTICLES[f.disposition]}`;
  }
}

/** The decision's sentences, addressed with `you` (您 or 贵单位). */
export function answerDecision(args: { facts: AnswerFacts; you: string; case: AnswerCase }): string[] {
  const { facts: f, you } = args;
  const article = answerArticle(f);
  const withBasis = f.legalBasis && f.disposition !== 'other' ? `依据：${f.legalBasis}。` : '';
  switch (f.disposition) {
    case 'disclosed':
      return f.alreadyPublicAt
        ? [`${you}申请获取的政府信息，本机关已经主动公开。根据${article}的规定，告知${you}获取该政府信息的方式、途径：${f.alreadyPublicAt}`]
        : [`${you}申请获取的政府信息属于公开范围。根据${article}的规定，本机关予以公开，向${you}提供该政府信息。`];
    case 'partially_disclosed':
      return [
        `${you}申请获取的政府信息中含有不应当公开或者不属于政府信息的内容，但是能够作区分处理。根据${article}的规定，本机关向${you}提供可以公开的政府信息内容，对不予公开的内容说明理由如下：${f.withheldReasons}`,
        ...(withBasis ? [withBasis] : []),
      ];
    case 'unavailable_not_held':
      return f.responsibleAgency
        ? [
            `${you}申请获取的政府信息不属于本机关负责公开，理由是：${f.notResponsibleReason}`,
            `根据${article}的规定，告知${you}：负责公开该政府信息的行政机关为${f.responsibleAgency}，联系方式：${f.responsibleAgencyContact}。${you}可以向该机关提出申请。`,
          ]
        : [`经检索，本机关没有${you}申请公开的政府信息。根据${article}的规定，告知${you}该政府信息不存在。`];
    case 'unavailable_needs_creation':
      return [
        `${you}申请获取的信息，本机关没有现成的政府信息，需要对现有政府信息进行加工、分析或者另行制作、搜集方能形成。根据${article}的规定，本机关向申请人提供的信息应当是已制作或者获取的政府信息，对此不予提供。`,
        ...(f.howToObtain ? [`${you}可以通过以下途径获取相关信息：${f.howToObtain}`] : []),
      ];
    case 'unavailable_unclear_after_correction': {
      const c = args.case.correction;
      return [
        `本机关已于${chineseDate(c?.requestedOn)}告知${you}补正，${you}于${chineseDate(c?.receivedOn)}提交了补正，但是补正后申请内容仍不明确，本机关无法确定${you}所需要的政府信息。根据${article}的规定，本机关无法提供。`,
      ];
    }
    case 'rejected_complaint':
      return [
        `${you}以政府信息公开申请的形式提出的，属于信访、投诉、举报等事项。根据${article}的规定，本机关不作为政府信息公开申请处理。${f.otherChannel ? `${you}可以通过以下渠道提出：${f.otherChannel}` : ''}`,
      ];
    case 'rejected_duplicate':
      return [
        `本机关已于${chineseDate(f.earlierAnsweredOn)}对${you}提出的政府信息公开申请（申请编号：${f.earlierCase}）作出答复，${you}本次重复申请公开相同的政府信息。根据${article}的规定，本机关不予重复处理。`,
      ];
    case 'rejected_publication':
      return [`${you}申请获取的是公开出版物。根据${article}的规定，本机关不予处理，告知${you}获取该出版物的途径：${f.howToObtain}`];
    case 'rejected_excessive': {
      const r = args.case.reasonsRequest;
      const why = r?.repliedOn ? `${you}于${chineseDate(r.repliedOn)}说明了理由，经审查，本机关认为申请理由不合理` : `${you}未在${chineseDate(r?.replyBy)}前说明理由`;
      return [`本机关已于${chineseDate(r?.requestedOn)}要求${you}说明申请理由，${why}。根据${article}的规定，本机关不予处理。`];
    }
    case 'rejected_confirmation':
      return [
        `${you}的申请是要求本机关对${you}已经获取的信息予以确认或者重新出具，并非申请获取本机关已经制作或者获取、以一定形式记录和保存的政府信息（${article}）。本机关不作为政府信息公开申请予以处理。`,
      ];
    case 'other':
      return [`根据${article}的规定，本机关处理如下。`];
    case 'other_no_correction':
    case 'other_fee_unpaid':
      // Not an answer a clerk gives (closure_notice is the letter); kept total for the compiler.
      return [`根据${article}的规定，本机关不再处理该政府信息公开申请。`];
    default: {
      const objection = f.disposition === 'withheld_third_party_rights' && args.case.objection ? '本机关已依法书面征求第三方意见，第三方不同意公开且理由合理。' : '';
      return [
        `经审查，${you}申请获取的政府信息${WITHHOLDING_GROUNDS[f.disposition]}。根据${article}的规定，本机关决定不予公开。理由：${f.withheldReasons}`,
        ...(withBasis || objection ? [`${objection}${withBasis}`] : []),
      ];
    }
  }
}

/** The label a letter gives the outcome: 处理结果：不予公开：属于国家秘密. */
export const outcomeLabel = (d: Disposition) => DISPOSITIONS[d].label;

/** Art. 2: what a mark may also say — the marked part is not government information at all. */
export const NOT_GOVERNMENT_INFORMATION = 'not_government_information';

/** The grounds a redaction mark may give (art. 37): each withholding disposition, or art. 2. */
export const REDACTION_GROUNDS: string[] = [...Object.keys(WITHHOLDING_GROUNDS), NOT_GOVERNMENT_INFORMATION];

/** A ground as a letter states it: what the part is, and the articles. */
export function redactionGround(ground: string): string {
  if (ground === NOT_GOVERNMENT_INFORMATION) return `不属于${TIAOLI}第二条所指的政府信息`;
  const what = WITHHOLDING_GROUNDS[ground as Disposition];
  return what ? `${what}（${TIAOLI}${WITHHOLDING_ARTICLES[ground as Disposition]}）` : ground;
}

/**
 * Art. 37: what was withheld from a released document and why, from its redaction's marks, grouped
 * by ground: "第1页1处、第3页2处：涉及商业秘密、个人隐私等……（…第十五条…）".
 */
export function withheldSummary(marks: { page: number; ground: string }[]): string {
  const byGround = new Map<string, Map<number, number>>();
  for (const m of marks) {
    const pages = byGround.get(m.ground) ?? new Map<number, number>();
    pages.set(m.page, (pages.get(m.page) ?? 0) + 1);
    byGround.set(m.ground, pages);
  }
  // In page order: the ground whose first mark comes first, first.
  return [...byGround]
    .sort(([, a], [, b]) => Math.min(...a.keys()) - Math.min(...b.keys()))
    .map(([ground, pages]) => {
      const where = [...pages].sort(([a], [b]) => a - b).map(([page, n]) => `第${page}页${n}处`);
      return `${where.join('、')}：${redactionGround(ground)}`;
    })
    .join('；');
}
