// Error messages, always in both languages: the current one first and large, the other below.

import type { CommandError } from './api';
import { h, icon } from './dom';
import { T, lang, otherLang } from './i18n';

function messages(err: CommandError): { vi: string; en: string; detail: string | null } {
  if (typeof err === 'string') {
    return { vi: T.errorGeneric.vi, en: T.errorGeneric.en, detail: err };
  }
  return { vi: err.message_vi.normalize('NFC'), en: err.message_en, detail: null };
}

/** The bilingual error box (`data-testid="error"`, role="alert"). */
export function errorBox(
  err: CommandError,
  opts: { title?: { vi: string; en: string }; testid?: string; extra?: Node | null } = {},
): HTMLElement {
  const m = messages(err);
  const cur = lang();
  const other = otherLang();
  const code = typeof err === 'string' ? undefined : err.code;
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
      h('p', { class: 'alert-main', lang: cur }, m[cur]),
      opts.title && h('p', { class: 'alert-other alert-other-title', lang: other }, opts.title[other]),
      h('p', { class: 'alert-other', lang: other }, m[other]),
      m.detail && h('p', { class: 'alert-detail' }, m.detail),
      opts.extra ?? null,
    ),
  );
}
