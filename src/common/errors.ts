// Errors with stable dotted codes. Capabilities throw these; one handler (error-handler.ts) answers
// them: JSON `{ error, message, fields?, rule? }` under /api, a Chinese error page elsewhere.

export type FieldMessages = Record<string, string>;
/** A place in submitted text: the field and an excerpt around it. */
export type Place = { field: string; excerpt: string };

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** `retryAfter`: seconds, sent as Retry-After with a 429 or 503; `places`: where in what was sent a problem is. */
    readonly details: { fields?: FieldMessages; rule?: string; retryAfter?: string; places?: Place[] } = {},
  ) {
    super(message);
  }

  /** The same error with a field called by another name (an API whose body names a field differently from the form). */
  renamingField(from: string, to: string): AppError {
    const rename = (f: string) => (f === from ? to : f);
    const fields = this.details.fields && Object.fromEntries(Object.entries(this.details.fields).map(([k, v]) => [rename(k), v]));
    const places = this.details.places?.map((p) => ({ ...p, field: rename(p.field) }));
    return new AppError(this.statusCode, this.code, this.message, { ...this.details, ...(fields && { fields }), ...(places && { places }) });
  }
}

export const validationFailed = (fields: FieldMessages, message = '提交的内容有误，请按提示修改') => new AppError(400, 'validation.failed', message, { fields });

export const notFound = (code: string, message: string) => new AppError(404, code, message);

export const ruleViolation = (rule: string, message: string) => new AppError(409, 'workflow.rule_violation', message, { rule });

export const staleVersion = () => new AppError(409, 'workflow.stale_version', '该申请已被他人更新，请查看最新情况后再操作', { rule: 'optimistic_version' });

export const unauthorized = (message = '请先登录') => new AppError(401, 'auth.required', message);

export const forbidden = (message = '没有权限进行此操作') => new AppError(403, 'auth.forbidden', message);

export const tooLarge = (code: string, message: string, fields?: FieldMessages) => new AppError(413, code, message, { fields });
