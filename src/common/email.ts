// One mailbox address and nothing else. An e-mail field takes `local@domain` only: no display name,
// angle brackets, commas, semicolons, quotes, spaces or control characters, which a mail library
// would read as a second recipient or a header (docs/security.md, D10).

/** RFC 5322 dot-atom: the local part's characters, in dot-separated runs. */
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/u;
/** Domain labels of letters (any script: IDN), digits and inner hyphens; a top-level label of two letters or more. */
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TOP = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;

export const EMAIL_MESSAGE = '请填写一个有效的电子邮箱地址（如 name@example.com）';

export function isEmailAddress(text: string): boolean {
  if (text.length > 254) return false;
  const at = text.lastIndexOf('@');
  if (at <= 0 || at !== text.indexOf('@')) return false;
  const local = text.slice(0, at);
  const labels = text.slice(at + 1).split('.');
  return local.length <= 64 && LOCAL.test(local) && labels.length >= 2 && labels.every((l) => LABEL.test(l)) && TOP.test(labels.at(-1)!);
}
