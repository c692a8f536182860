// Online filing, review screen: every answer, document and the delivery, then send the dossier.

import { type CommandError, type DossierRequest, submitDossier } from '../../api';
import { type Screen, navigate } from '../../app';
import { button, h } from '../../dom';
import { errorBox } from '../../errors';
import { activeQuestions, isoDate } from '../../filing/forms';
import { filing } from '../../filing/session';
import { FT } from '../../filing/text';
import { lang, tr } from '../../i18n';
import { filingRootWith } from './shared';

function request(): DossierRequest | null {
  const a = filing.answers;
  if (!filing.procedureCode || !filing.form) return null;
  const answers: Record<string, string> = {};
  for (const q of activeQuestions(filing.form, a)) {
    const v = a[q.id];
    if (v !== undefined && !q.id.startsWith('applicant_')) answers[q.id] = q.kind === 'date' ? (isoDate(v) ?? v) : v;
  }
  return {
    procedure_code: filing.procedureCode,
    applicant: {
      full_name: a.applicant_name ?? '',
      id_number: a.applicant_id ?? '',
      date_of_birth: a.applicant_birth_date ? isoDate(a.applicant_birth_date) : null,
      gender: filing.profile?.gender ?? null,
      address: a.applicant_address ?? null,
      phone: a.applicant_phone ?? null,
      email: null,
    },
    answers,
    documents: filing.documents
      .filter((d) => d.choice !== null)
      .map((d) => ({
        name: d.name,
        originals: d.originals,
        copies: d.copies,
        submission:
          d.choice?.kind === 'file'
            ? { kind: 'attachment' as const, file_name: d.choice.fileName, content_base64: d.choice.base64 }
            : { kind: 'paper_at_counter' as const },
      })),
    delivery: filing.delivery ?? { method: 'office' },
  };
}

export function renderFileReview(): Screen {
  const form = filing.form;
  const errorSlot = h('div', { class: 'error-slot', testid: 'review-error' });
  const busy = h('p', { class: 'busy', hidden: true, testid: 'busy' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), tr(FT.reviewSending));
  const rows: Node[] = [];
  if (form) {
    activeQuestions(form, filing.answers).forEach((q, i) => {
      const v = filing.answers[q.id] ?? '';
      const shown = q.kind === 'choice' ? (q.choices?.find((c) => c.value === v)?.label[lang()] ?? v) : v;
      rows.push(
        h(
          'div',
          { class: 'summary-row' },
          h('dt', null, tr(q.label)),
          h('dd', { testid: `review-${q.id}` }, shown),
          h(
            'dd',
            { class: 'summary-action' },
            button(
              {
                class: 'btn btn-change',
                testid: `review-change-${q.id}`,
                'aria-label': `${tr(FT.reviewChange)}: ${tr(q.label)}`,
                onClick: () => {
                  navigate({ name: 'file-step', index: i });
                },
              },
              tr(FT.reviewChange),
            ),
          ),
        ),
      );
    });
  }
  const docs = filing.documents.filter((d) => d.choice);
  // In the bottom bar: the Send button is in sight whatever the length of the summary.
  const send = button({ class: 'btn btn-primary btn-send', testid: 'btn-send' }, tr(FT.reviewSend));
  send.addEventListener('click', () => {
    const req = request();
    if (!req || send.disabled) return;
    send.disabled = true;
    busy.hidden = false;
    errorSlot.replaceChildren();
    submitDossier(req)
      .then((result) => {
        navigate({ name: 'file-done', result }, { resetTo: [{ name: 'home' }] });
      })
      .catch((e: unknown) => {
        if (!root.isConnected) return;
        send.disabled = false;
        busy.hidden = true;
        errorSlot.replaceChildren(errorBox(e as CommandError));
        errorSlot.scrollIntoView({ block: 'center' });
      });
  });
  const root = filingRootWith(
    'screen-file-review',
    [send],
    h('p', { class: 'eyebrow' }, form ? form.title[lang()] : ''),
    h('h1', null, tr(FT.reviewTitle)),
    h('p', { class: 'lead' }, tr(FT.reviewLead)),
    h('dl', { class: 'summary' }, ...rows),
    h('h2', { class: 'h-sub' }, tr(FT.reviewDocs)),
    docs.length
      ? h(
          'ul',
          { class: 'plain-list', testid: 'review-docs' },
          docs.map((d) => h('li', null, `${d.name} – ${d.choice?.kind === 'file' ? d.choice.fileName : tr(FT.docIsPaper)}`)),
        )
      : h('p', null, tr(FT.reviewNoDocs)),
    h('h2', { class: 'h-sub' }, tr(FT.reviewDelivery)),
    h(
      'p',
      { testid: 'review-delivery' },
      filing.delivery?.method === 'post' ? `${tr(FT.deliveryPost)}: ${filing.delivery.address}` : tr(FT.deliveryOffice),
    ),
    errorSlot,
    busy,
  );
  return { root };
}
