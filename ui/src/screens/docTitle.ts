// A document as the kiosk names it: its short plain title, large (made once, in Rust:
// motcua_core::catalog::short_title), with the official text, as published, folded under a
// "Xem tên đầy đủ" button (a tap, not a hover).

import { type HandledAt } from '../api';
import { button, h } from '../dom';
import { T, tr } from '../i18n';

let seq = 0;

/** The title, and the official text behind a disclosure button when it says more. */
export function documentTitle(shortTitle: string, official: string, testid: string): HTMLElement {
  const full = official.normalize('NFC').trim();
  const short = (shortTitle.trim() === '' ? full : shortTitle).normalize('NFC').trim();
  const title = h('span', { class: 'doc-title', testid: `${testid}-title` }, short);
  if (full === '' || full === short) return h('div', { class: 'doc-head' }, title);
  const id = `doc-official-${String(++seq)}`;
  const body = h('p', { class: 'doc-official', id, testid: `${testid}-official`, hidden: true }, full);
  const toggle = button(
    { class: 'btn btn-quiet doc-fold', 'aria-expanded': 'false', 'aria-controls': id, testid: `${testid}-more` },
    tr(T.docFullName),
  );
  toggle.addEventListener('click', () => {
    const open = body.hidden;
    body.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    toggle.textContent = tr(open ? T.docFullNameHide : T.docFullName);
  });
  return h('div', { class: 'doc-head' }, title, toggle, body);
}

/** "Thực hiện tại cấp tỉnh": where a procedure is handled when not at this office. */
export function handledAtText(at: HandledAt): string {
  switch (at) {
    case 'province':
      return tr(T.handledProvince);
    case 'commune':
      return tr(T.handledCommune);
    case 'ministry':
      return tr(T.handledMinistry);
    case 'agency':
      return tr(T.handledAgency);
    case 'other':
      return tr(T.handledOther);
  }
}
