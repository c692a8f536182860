// Online filing, done screen: the receipt on screen (dossier code, due date, fee, tracking and payment QR).

import type { SubmitResult } from '../../api';
import { type Route, type Screen, goHome, screenRootWith, state } from '../../app';
import { button, h } from '../../dom';
import { displayDate } from '../../filing/forms';
import { filing } from '../../filing/session';
import { FT } from '../../filing/text';
import { T, copiesText, feeText, tr } from '../../i18n';
import { demoBadge, svg, takeNumberForFiling } from './shared';

function formatDate(iso: string): string {
  return displayDate(iso.slice(0, 10));
}

export function renderFileDone(route: Route): Screen {
  const r = route as Extract<Route, { name: 'file-done' }>;
  const res: SubmitResult = r.result;
  const d = res.dossier;
  const end = button(
    {
      class: 'btn btn-primary btn-done',
      testid: 'btn-finish',
      onClick: () => {
        goHome();
      },
    },
    tr(FT.doneEnd),
  );
  // Papers still owed, said loudly, with the way to hand them in: a number for the service.
  // By their short plain titles, as the documents screen showed them.
  const plain = (name: string): string => filing.documents.find((x) => x.name === name)?.shortTitle || name;
  const owed = d
    ? d.documents.filter((x) => x.paper_at_counter).map((x) => ({ name: plain(x.name), originals: x.originals, copies: x.copies }))
    : filing.documents.filter((x) => x.choice?.kind === 'paper').map((x) => ({ name: plain(x.name), originals: x.originals, copies: x.copies }));
  const paper = owed.length
    ? h(
        'section',
        { class: 'paper-owed', testid: 'paper-owed', 'aria-labelledby': 'paper-owed-title' },
        h('h2', { id: 'paper-owed-title' }, tr(FT.paperOwedTitle)),
        h(
          'ul',
          { class: 'paper-owed-list' },
          owed.map((x) => {
            const n = copiesText(x.originals, x.copies);
            return h('li', null, n ? `${x.name} (${n})` : x.name);
          }),
        ),
        h('p', null, tr(FT.paperOwedNote)),
        button(
          {
            class: 'btn btn-primary btn-choice',
            testid: 'btn-paper-ticket',
            onClick: () => {
              takeNumberForFiling();
            },
          },
          h('span', null, tr(FT.paperOwedTicket)),
        ),
      )
    : null;
  const root = screenRootWith(
    'screen-filing screen-file-done',
    { extra: [end] },
    h('h1', null, tr(FT.doneTitle)),
    d && d.status === 'submitted' ? h('p', { class: 'lead', testid: 'done-awaiting' }, tr(FT.doneAwaiting)) : null,
    d ? null : paper,
    d
      ? h(
          'div',
          { class: 'done-grid' },
          h(
            'div',
            { class: 'done-main' },
            h(
              'dl',
              { class: 'facts' },
              h('dt', null, tr(FT.doneCode)),
              h('dd', { class: 'dossier-code', testid: 'dossier-code' }, d.code),
              h('dt', null, tr(FT.doneDue)),
              h('dd', { testid: 'dossier-due' }, formatDate(d.due_date)),
              h('dt', null, tr(FT.doneFee)),
              h('dd', { testid: 'dossier-fee' }, d.fee_vnd > 0 ? feeText(d.fee_vnd) : tr(T.procFeeFree)),
            ),
            // Beside the QR codes, not above them: both stay in sight.
            paper,
          ),
          h(
            'div',
            { class: 'done-qrs' },
            res.tracking_qr_svg
              ? h('figure', { class: 'proc-qr', testid: 'qr-track' }, h('div', { class: 'qr' }, svg(res.tracking_qr_svg, tr(FT.doneTrack))), h('figcaption', null, tr(FT.doneTrack)))
              : null,
            res.payment_qr_svg
              ? h('figure', { class: 'proc-qr', testid: 'qr-pay' }, h('div', { class: 'qr' }, svg(res.payment_qr_svg, tr(FT.donePay))), h('figcaption', null, tr(FT.donePay)))
              : null,
          ),
        )
      : h('p', { class: 'alert alert-info', testid: 'dossier-queued' }, tr(FT.doneQueued)),
    d
      ? res.printed
        ? h('p', { class: 'alert alert-info', testid: 'receipt-printed' }, tr(FT.donePrinted))
        : h('p', { class: 'alert alert-error', testid: 'receipt-not-printed' }, tr(FT.doneNotPrinted))
      : null,
    state.info?.demo && filing.demo ? demoBadge() : null,
  );
  return { root };
}
