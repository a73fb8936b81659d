// SMS notices (docs/operations/sms.md): what they say, and where they go. Chosen by SMS_URL:
// - unset: each message as a file under DATA_DIR/sms (nothing is delivered, so nothing is served);
// - http(s)://…: a government's own SMS gateway, one signed POST per message, delivery reports back
//   through POST /api/sms/reports (signed the same way);
// - tencent://SecretId:SecretKey@sms.tencentcloudapi.com?region=…&sdkAppId=…&signName=…&templateId=…:
//   Tencent Cloud SMS through its official SDK; delivery reports are pulled (PullSmsSendStatus).
// A message never carries the applicant's name, identity number or access code: only the tracking
// number, what happened, and the link to the tracking page, where the access code is asked for.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client as TencentSmsClient } from 'tencentcloud-sdk-nodejs-sms/tencentcloud/services/sms/v20210111/sms_client.js';
import type { Config } from '../config/config.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../config/private-files.js';
import type { MailTemplate } from '../workflow/types.js';

/** The notices an applicant without e-mail is sent by SMS, and what each says happened. */
export const SMS_NOTICES: Partial<Record<MailTemplate, string>> = {
  acknowledgment: '已收到',
  correction_notice: '需要补正，请在期限内提交补正材料',
  reasons_request: '需要您说明理由',
  fee_notice: '需缴纳信息处理费',
  answer: '已答复',
  transfer_notice: '已告知并转送负责机关',
  closure_notice: '已终止处理',
  letter_correction: '有文书更正或撤销',
};

/** A mainland mobile number (11 digits from 1), optionally with +86: the only numbers SMS reaches. */
export function mobileNumber(phone: string): string | null {
  const digits = phone.replace(/[\s-]/g, '').replace(/^(\+?86)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

export type SmsText = { trackingNumber: string; notice: string; url: string };

/** The message as the file sink and the generic gateway send it (a cloud template fills its own). */
export function smsText(m: SmsText): string {
  return `【政府信息公开】您的申请（${m.trackingNumber}）${m.notice}。详情请登录 ${m.url} 凭查询码查看。`;
}

export type SmsMessage = SmsText & { id: number; to: string; text: string };
/** A delivery the provider reported: its message id, and whether the phone received it. */
export type DeliveryReport = { reference: string; delivered: boolean; at: Date | null };

export type SmsSender = {
  /** Sends one message; returns the provider's id for it (null: the file sink, which delivers nothing). */
  send(message: SmsMessage): Promise<string | null>;
  /** Delivery reports to fetch, where the provider is asked for them rather than posting them. */
  pullReports?: () => Promise<DeliveryReport[]>;
};

export function createSmsSender(config: Config): SmsSender {
  if (!config.smsUrl) return fileSink(path.join(config.dataDir, 'sms'));
  if (config.smsUrl.startsWith('tencent:')) return tencent(new URL(config.smsUrl));
  return gateway(config.smsUrl, config.smsSecret!, config.smsTemplate);
}

function fileSink(dir: string): SmsSender {
  return {
    // Under a temporary name, then renamed: a reader never finds half a message.
    async send(m) {
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      const file = path.join(dir, `${String(m.id).padStart(8, '0')}.txt`);
      await writeFile(`${file}.partial`, `To: ${m.to}\n\n${m.text}\n`, { mode: PRIVATE_FILE_MODE });
      await rename(`${file}.partial`, file);
      return null;
    },
  };
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the gateway's requests and its reports alike. */
export function smsSignature(secret: string, body: string, at: number): string {
  return `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`;
}

/** Whether a report's signature is the secret's, made within five minutes of `now`. */
export function verifySmsSignature(secret: string, body: string, header: string | undefined, now: Date): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const at = Number(match[1]);
  if (Math.abs(now.getTime() / 1000 - at) > 300) return false;
  const expected = Buffer.from(smsSignature(secret, body, at).split('v1=')[1]!, 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

function gateway(url: string, secret: string, template: string | null): SmsSender {
  return {
    async send(m) {
      const body = JSON.stringify({
        id: `outbox-${m.id}`,
        to: m.to,
        text: m.text,
        template,
        params: { trackingNumber: m.trackingNumber, notice: m.notice, url: m.url },
      });
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ogi-signature': smsSignature(secret, body, Math.floor(Date.now() / 1000)) },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      if (!res.ok) throw new Error(`SMS gateway answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      const answer = (await res.json().catch(() => ({}))) as { messageId?: unknown };
      return typeof answer.messageId === 'string' && answer.messageId ? answer.messageId : `outbox-${m.id}`;
    },
  };
}

function tencent(url: URL): SmsSender {
  const q = (k: string) => url.searchParams.get(k) ?? '';
  const client = new TencentSmsClient({
    credential: { secretId: decodeURIComponent(url.username), secretKey: decodeURIComponent(url.password) },
    region: q('region') || 'ap-guangzhou',
    profile: { httpProfile: { endpoint: url.host || 'sms.tencentcloudapi.com', protocol: q('protocol') === 'http' ? 'http://' : 'https://', reqTimeout: 30 } },
  });
  const sdkAppId = q('sdkAppId');
  return {
    async send(m) {
      // The template approved with Tencent holds the words; we fill in the tracking number, what happened, the link.
      const res = await client.SendSms({
        PhoneNumberSet: [`+86${m.to}`],
        SmsSdkAppId: sdkAppId,
        SignName: q('signName'),
        TemplateId: q('templateId'),
        TemplateParamSet: [m.trackingNumber, m.notice, m.url],
        SessionContext: `outbox-${m.id}`,
      });
      const status = res.SendStatusSet?.[0];
      if (!status || status.Code !== 'Ok') throw new Error(`Tencent Cloud SMS refused the message: ${status?.Code ?? 'no status'} ${status?.Message ?? ''}`);
      return status.SerialNo ?? `outbox-${m.id}`;
    },
    async pullReports() {
      const res = await client.PullSmsSendStatus({ Limit: 100, SmsSdkAppId: sdkAppId });
      return (res.PullSmsSendStatusSet ?? []).map((r) => ({
        reference: r.SerialNo ?? '',
        delivered: r.ReportStatus === 'SUCCESS',
        // Seconds since the epoch, when the phone received it.
        at: r.UserReceiveTime ? new Date(r.UserReceiveTime * 1000) : null,
      }));
    },
  };
}
