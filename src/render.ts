// Handlebars for everything we write: pages, letters and mails. Templates are compiled once at start.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { TEMPLATES_DIR } from './config/paths.js';
import { chineseDate } from './letters/chinese-dates.js';

export function createHandlebars(): typeof Handlebars {
  const hbs = Handlebars.create();
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hbs.registerHelper('not', (a: unknown) => !a);
  hbs.registerHelper('includes', (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item));
  // A day as people write it: 2026年3月23日, never 2026-03-23.
  hbs.registerHelper('cnDate', (day: unknown) => (typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day) ? chineseDate(day) : day));
  // A moment (an ISO time in Shanghai) as 2026年3月2日 10:05.
  hbs.registerHelper('cnTime', (at: unknown) => {
    const m = typeof at === 'string' ? /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(at) : null;
    return m ? `${chineseDate(m[1]!)} ${m[2]}` : at;
  });
  return hbs;
}

export type Renderer = { render(name: string, model: object): string; has(name: string): boolean };

/** Compiles every `<name>.hbs` under templates/<dir>, with the partials of templates/<dir>/partials. */
export function compileTemplates(dir: string): Renderer {
  const hbs = createHandlebars();
  const root = path.join(TEMPLATES_DIR, dir);
  const partialsDir = path.join(root, 'partials');
  if (existsSync(partialsDir)) {
    for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
      hbs.registerPartial(file.slice(0, -4), readFileSync(path.join(partialsDir, file), 'utf8'));
    }
  }
  const templates = new Map<string, Handlebars.TemplateDelegate>();
  for (const file of readdirSync(root).filter((f) => f.endsWith('.hbs'))) {
    templates.set(file.slice(0, -4), hbs.compile(readFileSync(path.join(root, file), 'utf8'), { strict: false }));
  }
  return {
    render(name, model) {
      const template = templates.get(name);
      if (!template) throw new Error(`no template ${dir}/${name}.hbs`);
      return template(model);
    },
    has: (name) => templates.has(name),
  };
}
