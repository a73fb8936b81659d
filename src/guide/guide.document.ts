// The public guide (art. 12; the district document's item 十九) as a document built from an agency's
// guide data: what the page shows and GET /api/agencies/:slug/guide returns. Pure.
import type { GuideData } from '../db/schema.js';
import { chineseDate } from '../letters/chinese-dates.js';
import { ANSWER_PERIOD, CONSULTATION_PERIOD, CORRECTION_WINDOW, MAX_EXTENSION, PAYMENT_PERIOD } from '../workflow/deadlines.js';

/**
 * The edition of the fixed text below. A published version keeps the edition it was published with
 * (guide_versions.edition), so changing the text here changes new publications only:
 * 1. the text until 2026-11-28;
 * 2. adds the applicant's reasons (art. 35) to the process, and tracking, correcting, explaining
 *    and withdrawing online;
 * 3. states the remedy by decision (行政复议法 2023 art. 23: review first against a refusal to
 *    disclose), as the letters do (letters/remedy.ts).
 */
export const GUIDE_EDITION = 3;

/** How to reach the agency's 政府信息公开工作机构, as its guide states it (and its agency row mirrors it). */
export function contactOf(data: GuideData) {
  const { officeName, address, postcode, officeHours, phone, fax, email, website } = data;
  return { officeName, address, postcode, officeHours, phone, fax, email, website };
}

export function guideDocument(args: { agency: { slug: string; name: string }; data: GuideData; version: number; publishedOn: string; publicUrl: string; edition?: number }) {
  const { agency, data } = args;
  const edition = args.edition ?? GUIDE_EDITION;
  const applyUrl = `${args.publicUrl}/apply/${agency.slug}`;
  const trackUrl = `${args.publicUrl}/track`;
  return {
    agency,
    version: args.version,
    publishedOn: args.publishedOn,
    publishedOnText: chineseDate(args.publishedOn),
    classification: data.classification,
    proactiveChannels: data.proactiveChannels,
    office: [
      ['机构名称', data.officeName],
      ['办公地址', `${data.address}（邮编 ${data.postcode}）`],
      ['办公时间', data.officeHours],
      ['联系电话', data.phone],
      ['传真号码', data.fax],
      ['电子邮箱', data.email],
      ['网站', data.website],
    ].map(([label, value]) => ({ label: label!, value: value! })),
    contact: contactOf(data),
    applyChannels: [
      { channel: 'online', label: '网上申请', text: `通过本平台在线填写申请表并提交：${applyUrl}。` },
      { channel: 'in_person', label: '当面申请', text: `在办公时间（${data.officeHours}）到${data.address}当面提交；书写有困难的，可以口头提出，由工作人员代为填写。` },
      { channel: 'post', label: '邮寄申请', text: `将申请表邮寄至${data.address}，邮编 ${data.postcode}，收件人为${data.officeName}。${data.envelopeMarking}` },
      { channel: 'fax', label: '传真申请', text: `将申请表传真至 ${data.fax}，并电话确认。` },
      ...(edition >= 3
        ? [
            {
              channel: 'email',
              label: '电子邮件申请',
              text: `将申请表发送至 ${data.email}。以传真、电子邮件提交的，非工作日收到的，以其后第一个工作日为收到申请之日（条例第三十一条）。`,
            },
          ]
        : []),
    ],
    applicationContents: [
      '申请人的姓名或者名称、身份证明、联系方式；',
      '申请公开的政府信息的名称、文号或者便于行政机关查询的其他特征性描述；',
      '申请公开的政府信息的形式要求，包括获取信息的方式、途径。',
    ],
    process: [
      { step: '提出申请', text: '通过上述方式提交申请。申请内容应当符合条例第二十九条的要求。' },
      {
        step: '收到申请',
        text: '当面提交的，以提交之日为收到申请之日；以邮寄方式提交的，以本机关签收之日为收到申请之日；通过互联网渠道或者传真提交的，以双方确认之日为收到申请之日，本平台收到即确认，非工作日收到的顺延至下一个工作日（条例第三十一条）。',
      },
      {
        step: '补正',
        text: `申请内容不明确的，本机关自收到申请之日起${CORRECTION_WINDOW}个工作日内一次性告知需要补正的事项和合理的补正期限。答复期限自收到补正的申请之日起计算；无正当理由逾期不补正的，视为放弃申请（条例第三十条）。${edition >= 2 ? '网上申请和其他方式提出的申请，均可凭申请编号和查询码在本平台在线提交补正，也可以书面提交。' : ''}`,
      },
      ...(edition >= 2
        ? [
            {
              step: '说明理由',
              text: '申请公开政府信息的数量、频次明显超过合理范围的，本机关可以要求申请人说明理由，申请人可以在本平台在线说明或者书面说明。本机关认为申请理由不合理的，告知申请人不予处理；认为申请理由合理，但是无法在规定期限内答复的，确定延迟答复的合理期限并告知申请人（条例第三十五条）。',
            },
          ]
        : []),
      {
        step: '征求意见',
        text: `公开可能损害第三方合法权益的，书面征求第三方意见，第三方应当自收到之日起${CONSULTATION_PERIOD}个工作日内提出意见；需要征求其他机关意见的，被征求意见机关应当自收到之日起${CONSULTATION_PERIOD}个工作日内提出意见，逾期未提出视为同意公开。征求意见所需时间不计算在答复期限内（条例第三十二条、第三十三条、第三十四条）。`,
      },
      {
        step: '答复',
        text: `能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起${ANSWER_PERIOD}个工作日内予以答复。需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过${MAX_EXTENSION}个工作日（条例第三十三条）。`,
      },
      {
        step: '收费',
        text: `申请公开政府信息的数量、频次明显超过合理范围的，可以收取信息处理费。自发出收费通知至收到费用期间不计算在答复期限内；申请人应当自收到收费通知之次日起${PAYMENT_PERIOD}个工作日内缴纳，逾期未缴纳的视为放弃申请（条例第四十二条）。`,
      },
      {
        step: '提供信息',
        text: '按照申请人要求的形式和获取方式提供政府信息；无法按照要求的形式提供的，可以通过安排查阅相关资料、提供复制件或者其他适当形式提供（条例第四十条）。',
      },
      ...(edition >= 2
        ? [
            {
              step: '查询与撤回',
              text: `提交申请后，凭申请编号和查询码在 ${trackUrl} 查询办理进度，查看本机关发出的告知书和答复书；作出答复前，可以在该页面撤回申请，撤回后本机关不再处理。遗失查询码的，可以联系本机关核对身份后重新生成。`,
            },
          ]
        : []),
    ],
    fees: [
      '依申请提供政府信息，不收取费用。',
      '申请数量、频次明显超过合理范围的，按照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费，按件或按量择一计收：',
      '按件计收：同一申请人一个自然月内累计申请10件以下（含10件）的，不收费；11—30件的部分，每件100元；31件以上的部分，以10件为一档，每增加一档，收费标准提高100元/件。',
      '按量计收：同一申请一次提供30页以下（含30页）的，不收费；31—100页的部分，每页10元；101—200页的部分，每页20元；201页以上的部分，每页40元。',
      ...(data.paymentInstructions ? [`缴纳方式：${data.paymentInstructions}答复期限自本机关收到费用之日起继续计算。`] : []),
    ],
    remedies: {
      reviewBody: data.reviewBody,
      court: data.court,
      text:
        edition >= 3
          ? [
              `申请人认为本机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼（条例第五十一条）。`,
              `对本机关决定不予公开（包括部分公开中不予公开的部分）的答复不服的，应当先自收到答复之日起60日内向${data.reviewBody}申请行政复议；对行政复议决定不服的，可以依法向人民法院提起行政诉讼（《中华人民共和国行政复议法》第二十三条）。`,
              `对本机关作出的其他答复（予以公开、无法提供、不予处理、终止处理、告知负责机关、收费通知等）不服，或者本机关逾期未答复的，可以自收到答复或者答复期限届满之日起60日内依法向${data.reviewBody}申请行政复议，或者在6个月内依法向${data.court}提起行政诉讼；对拒绝提供公开出版物、拒绝另行制作或者加工信息的答复，人民法院不予受理行政诉讼，可以依法申请行政复议，并可以按答复告知的途径获取相关信息。`,
              ...(data.reviewOnline
                ? [`行政复议申请书也可以通过${data.reviewBody}指定的互联网渠道（${data.reviewOnline}）在线提交（《中华人民共和国行政复议法》第二十二条）。`]
                : []),
              `补正告知、延期答复告知、征求意见告知、说明理由告知、延迟答复告知和接收回执等是办理过程中的告知，不是对申请的答复。`,
            ].join('')
          : `申请人认为本机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼（条例第五十一条）。对本机关作出的答复不服的，可以自收到答复之日起60日内依法向${data.reviewBody}申请行政复议，或者在6个月内依法向${data.court}提起行政诉讼。`,
    },
    serviceCommitments: data.serviceCommitments,
  };
}
export type GuideDocument = ReturnType<typeof guideDocument>;
