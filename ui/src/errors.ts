// Error messages, always in both languages: the current one first and large, the other below.

import type { CommandError } from './wire';
import { h, icon } from './dom';
import { T, type Text, lang, otherLang } from './i18n';

function messages(err: CommandError): { vi: string; en: string; detail: string | null } {
  if (typeof err === 'string') {
    return { vi: T.errorGeneric.vi, en: T.errorGeneric.en, detail: err };
  }
  return { vi: err.message_vi.normalize('NFC'), en: err.message_en, detail: null };
}

/** The bilingual error box (`data-testid="error"`, role="alert"): the current language first and
 * large (title, what to do, the backend's message), then the other language below, smaller. */
export function errorBox(
  err: CommandError,
  opts: { title?: Text; help?: Text; testid?: string; extra?: Node | null } = {},
): HTMLElement {
  const m = messages(err);
  const cur = lang();
  const other = otherLang();
  const code = typeof err === 'string' ? undefined : err.code;
  const otherText = [opts.title?.[other], opts.help?.[other], m[other]]
    .filter((x): x is string => !!x)
    .map((x) => (/[.!?…:]$/.test(x) ? x : `${x}.`))
    .join(' ');
  return h(
    'div',
    {
      class: 'alert alert-error',
      role: 'alert',
      testid: opts.testid ?? 'error',
      'data-code': code,
    },
    icon('warning', 'icon alert-icon'),
    h(
      'div',
      { class: 'alert-text' },
      opts.title && h('p', { class: 'alert-title' }, opts.title[cur]),
      opts.help && h('p', { class: 'alert-main' }, opts.help[cur]),
      h('p', { class: opts.help ? 'alert-sub' : 'alert-main' }, m[cur]),
      h('p', { class: 'alert-other', lang: other }, otherText),
      m.detail && h('p', { class: 'alert-detail' }, m.detail),
      opts.extra ?? null,
    ),
  );
}
