// View models for form fields: name, id, entered value, error and options, so templates only display.
import type { FieldMessages } from '../common/errors.js';

export type Option = { value: string; label: string; checked: boolean };
export type FieldModel = { name: string; id: string; value: string; error: string | null; options: Option[] };

function valueAt(values: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), values);
}

export const fieldId = (path: string) => path.replace(/\./g, '_');

export function fieldModel(args: { values: unknown; errors: FieldMessages; path: string; options?: readonly (readonly [string, string])[]; fallback?: string }): FieldModel {
  const raw = valueAt(args.values, args.path);
  const value = raw === undefined || raw === null ? (args.fallback ?? '') : String(raw);
  return {
    name: args.path,
    id: fieldId(args.path),
    value,
    error: args.errors[args.path] ?? null,
    options: (args.options ?? []).map(([v, label]) => ({ value: v, label, checked: v === value })),
  };
}

/** The error summary at the top of a form: each message links to its field. */
export function errorList(errors: FieldMessages, labels: Record<string, string>): { id: string; message: string }[] {
  return Object.entries(errors).map(([path, message]) => {
    const known = Object.keys(labels).find((p) => path === p || path.startsWith(`${p}.`));
    return { id: fieldId(known ?? path), message: known ? `${labels[known]}：${message}` : message };
  });
}
