// A procedure's page: what to bring, how to file, how long, how much; a QR of its public page;
// take a number for it, file it online, or print the list of documents to take home.

import { type CommandError, type ProcedureChannel, type ProcedureView, getProcedure, printChecklist } from '../api';
import { type Route, type Screen, announce, navigate, screenRoot, state } from '../app';
import { button, h, icon } from '../dom';
import { errorBox } from '../errors';
import { T, copiesText, durationText, feeText, tr } from '../i18n';
import { documentTitle, handledAtText } from './docTitle';

type ProcedureRoute = Extract<Route, { name: 'procedure' }>;

function channelName(c: ProcedureChannel): string {
  if (c.channel === 'online') return tr(T.channelOnline);
  if (c.channel === 'in_person') return tr(T.channelInPerson);
  if (c.channel === 'postal') return tr(T.channelPostal);
  return c.channel;
}

function channelFee(c: ProcedureChannel): string {
  if (c.fee_vnd === 0) return tr(T.procFeeFree);
  if (c.fee_vnd !== null) return feeText(c.fee_vnd);
  return tr(T.procFeeSee);
}

function svgFrom(markup: string): Node {
  // The backend makes this SVG (qrcode crate, rectangles only); parse it as SVG, not HTML.
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const svg = doc.documentElement;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', tr(T.procQr));
  return document.importNode(svg, true);
}

function detailView(p: ProcedureView, actions: HTMLElement, notice: HTMLElement): Node[] {
  const docs =
    p.documents.length === 0
      ? h('p', null, tr(T.procNoDocuments))
      : h(
          'ol',
          { class: 'doc-list', testid: 'proc-documents' },
          p.documents.map((d, i) =>
            h(
              'li',
              null,
              documentTitle(d.short_title, d.name, `proc-doc-${String(i)}`),
              h(
                'span',
                { class: 'doc-meta' },
                copiesText(d.originals, d.copies),
                d.template ? h('span', { class: 'doc-template' }, `${tr(T.procTemplate)}: ${d.template}`) : null,
              ),
            ),
          ),
        );
  const channels = h(
    'table',
    { class: 'chan-table', testid: 'proc-channels' },
    h(
      'thead',
      null,
      h('tr', null, h('th', { scope: 'col' }, tr(T.procChannel)), h('th', { scope: 'col' }, tr(T.procDuration)), h('th', { scope: 'col' }, tr(T.procFee))),
    ),
    h(
      'tbody',
      null,
      p.channels.map((c) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, channelName(c)),
          h('td', null, c.duration ? durationText(c.duration.value, c.duration.unit) : tr(T.procDurationUnknown)),
          h('td', null, channelFee(c)),
        ),
      ),
    ),
  );
  const results = p.results.length
    ? h('ul', { class: 'plain-list' }, p.results.map((x) => h('li', null, x.name.normalize('NFC'))))
    : null;
  const folded = (title: string, body: string, testid: string): HTMLElement | null =>
    body.trim() === ''
      ? null
      : h('details', { class: 'fold', testid }, h('summary', { class: 'btn fold-summary' }, title), h('p', { class: 'fold-body' }, body.normalize('NFC')));

  return [
    h(
      'div',
      { class: 'proc-layout' },
      h(
        'div',
        { class: 'proc-main' },
        h('p', { class: 'eyebrow', testid: 'proc-code' }, `${tr(T.procCode)}: ${p.code} · ${tr(T.procField)}: ${p.field}`),
        h('h1', { testid: 'proc-name' }, p.name.normalize('NFC')),
        p.handled_at ? h('p', { class: 'alert alert-info', testid: 'proc-handled-at' }, handledAtText(p.handled_at)) : null,
        p.from_cache ? h('p', { class: 'alert alert-info' }, tr(T.fromCache)) : null,
        p.agency ? h('p', { class: 'proc-agency' }, `${tr(T.procAgency)}: ${p.agency.normalize('NFC')}`) : null,
        h('h2', { class: 'h-sub' }, tr(T.procDocuments)),
        docs,
        h('h2', { class: 'h-sub' }, tr(T.procChannels)),
        channels,
        results && h('h2', { class: 'h-sub' }, tr(T.procResult)),
        results,
        folded(tr(T.procRequirements), p.requirements, 'proc-requirements'),
        folded(tr(T.procLegal), p.legal_basis, 'proc-legal'),
      ),
      h(
        'aside',
        { class: 'proc-side' },
        actions,
        h('figure', { class: 'proc-qr', testid: 'proc-qr' }, h('div', { class: 'qr' }, svgFrom(p.qr_svg)), h('figcaption', null, tr(T.procQr))),
        notice,
      ),
    ),
  ];
}

export function renderProcedure(route: Route): Screen {
  const r = route as ProcedureRoute;
  const body = h('div', { class: 'proc-body', testid: 'procedure', 'aria-busy': 'true' }, h('p', { class: 'lead muted', role: 'status' }, tr(T.searchLoading)));
  const root = screenRoot('screen-procedure', body);
  // Floats above the bottom bar, in sight whatever the screen's height: printed, no queue, errors.
  const notice = h('div', { class: 'error-slot proc-notice', testid: 'proc-notice' });

  const actionsFor = (p: ProcedureView): HTMLElement => {
    const service = p.service_id ? state.services?.find((s) => s.id === p.service_id && s.open) : undefined;
    const online = p.channels.some((c) => c.channel === 'online');
    const print = button(
      { class: 'btn btn-choice', testid: 'btn-print-checklist' },
      icon('printer'),
      h('span', null, tr(T.procPrint)),
    );
    print.addEventListener('click', () => {
      if (print.disabled) return;
      print.disabled = true;
      notice.replaceChildren();
      printChecklist(p.code)
        .then((res) => {
          if (!root.isConnected) return;
          const msg = res.printed || res.print_error === null
            ? h('p', { class: 'alert alert-info', testid: 'print-ok' }, tr(T.procPrinted))
            : errorBox(res.print_error);
          notice.replaceChildren(msg);
          if (res.printed) {
            announce(tr(T.procPrinted));
            // Good news goes by itself after a while; problems stay until the next tap.
            window.setTimeout(() => {
              if (msg.isConnected) msg.remove();
            }, 12_000);
          }
        })
        .catch((e: unknown) => {
          if (root.isConnected) notice.replaceChildren(errorBox(e as CommandError));
        })
        .finally(() => {
          print.disabled = false;
        });
    });
    return h(
      'div',
      { class: 'proc-actions' },
      button(
        {
          class: 'btn btn-primary btn-choice',
          testid: 'btn-take-number',
          onClick: () => {
            if (service) navigate({ name: 'priority', service, busy: false, error: null });
            else notice.replaceChildren(h('p', { class: 'alert alert-info', testid: 'no-service' }, tr(T.procNoService)));
          },
        },
        h('span', null, tr(T.procTakeNumber)),
        icon('chevron'),
      ),
      online
        ? button(
            {
              class: 'btn btn-choice',
              testid: 'btn-file-online',
              onClick: () => {
                navigate({ name: 'file-start', code: p.code, procName: p.name.normalize('NFC'), serviceId: p.service_id });
              },
            },
            icon('vneid'),
            h('span', null, tr(T.procFileOnline)),
          )
        : null,
      print,
    );
  };

  getProcedure(r.code)
    .then((p) => {
      if (!root.isConnected) return;
      body.replaceChildren(...detailView(p, actionsFor(p), notice));
      body.setAttribute('aria-busy', 'false');
      const heading = body.querySelector<HTMLElement>('h1');
      if (heading) {
        heading.tabIndex = -1;
        heading.focus({ preventScroll: true });
        announce(heading.textContent);
      }
    })
    .catch((e: unknown) => {
      if (!root.isConnected) return;
      body.replaceChildren(h('h1', null, tr(T.searchTitle)), errorBox(e as CommandError));
      body.setAttribute('aria-busy', 'false');
    });
  return { root };
}
