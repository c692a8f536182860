// Tra cứu thủ tục: search as you type with the on-screen keyboard, or browse by field.
// Results come from the office server, or from the kiosk's own copy of the catalog when the
// server cannot be reached (the backend decides; results then say so).

import { type CommandError, type FieldCount, type Hit, procedureFields, searchProcedures } from '../api';
import { type Route, type Screen, navigate, screenRootWith } from '../app';
import { button, h, icon } from '../dom';
import { errorBox } from '../errors';
import { formFor } from '../filing/forms';
import { filing } from '../filing/session';
import { keyboard } from '../keyboard';
import { T, fieldCountText, resultsText, tr } from '../i18n';
import { handledAtText } from './docTitle';

type SearchRoute = Extract<Route, { name: 'procedures' }>;

const LIMIT = 30;

let fieldsCache: FieldCount[] | null = null;

declare global {
  interface Window {
    /** Keystroke → results drawn, in ms (the last 1,000; read by benches/keystroke.rs). */
    __motcuaSearchTimings?: number[];
  }
}

/** Milliseconds from the last keystroke to its results on screen (read by the benchmark). */
function recordTiming(startedAt: number): void {
  window.requestAnimationFrame(() => {
    const ms = performance.now() - startedAt;
    document.body.dataset.lastSearchMs = ms.toFixed(1);
    const all = (window.__motcuaSearchTimings ??= []);
    all.push(Math.round(ms * 10) / 10);
    if (all.length > 1000) all.shift();
  });
}

function hitButton(p: Hit, pick: boolean): HTMLElement {
  return button(
    {
      class: 'btn proc-hit',
      testid: `proc-${p.code}`,
      onClick: () => {
        if (pick) {
          // Choosing the procedure to file (signed in already): straight to its questions.
          filing.procedureCode = p.code;
          filing.procedureName = p.name.normalize('NFC');
          filing.form = formFor(p.code, filing.procedureName);
          filing.documents = [];
          navigate({ name: 'file-step', index: 0 });
        } else {
          navigate({ name: 'procedure', code: p.code });
        }
      },
    },
    h(
      'span',
      { class: 'proc-hit-text' },
      h('span', { class: 'proc-hit-name' }, p.name.normalize('NFC')),
      h(
        'span',
        { class: 'proc-hit-meta' },
        `${p.code} · ${p.field}`,
        p.has_online ? h('span', { class: 'badge badge-online' }, tr(T.onlineBadge)) : null,
      ),
      p.handled_at ? h('span', { class: 'proc-hit-where', testid: `proc-where-${p.code}` }, handledAtText(p.handled_at)) : null,
    ),
    icon('chevron', 'icon proc-chevron'),
  );
}

export function renderProcedures(route: Route): Screen {
  const r = route as SearchRoute;
  const results = h('div', { class: 'proc-results', testid: 'proc-results' });
  const countEl = h('p', { class: 'proc-count', role: 'status', testid: 'proc-count' });
  let seq = 0;

  const showFields = (list: FieldCount[]): void => {
    countEl.textContent = '';
    results.replaceChildren(
      h('h2', { class: 'h-sub' }, tr(T.searchFieldsTitle)),
      h(
        'ul',
        { class: 'field-grid', role: 'list' },
        list.map((f) =>
          h(
            'li',
            null,
            button(
              {
                class: 'btn field-btn',
                testid: `field-${f.field}`,
                onClick: () => {
                  r.field = f.field;
                  paintChip();
                  void run(performance.now());
                },
              },
              fieldCountText(f.field, f.count),
            ),
          ),
        ),
      ),
    );
  };

  const showError = (e: CommandError): void => {
    countEl.textContent = '';
    results.replaceChildren(errorBox(e));
  };

  const run = async (startedAt: number): Promise<void> => {
    const mine = ++seq;
    const q = r.q.trim();
    try {
      if (q === '' && r.field === null && !r.online) {
        fieldsCache ??= await procedureFields();
        if (mine !== seq || !results.isConnected) return;
        showFields(fieldsCache);
        recordTiming(startedAt);
        return;
      }
      const hits = await searchProcedures({ q, field: r.field, online: r.online, limit: LIMIT });
      if (mine !== seq || !results.isConnected) return;
      countEl.textContent = resultsText(hits.length);
      results.replaceChildren(
        hits.length === 0
          ? h('p', { class: 'lead', testid: 'proc-none' }, tr(T.searchNone))
          : h('ul', { class: 'proc-list', role: 'list' }, hits.map((p) => h('li', null, hitButton(p, r.pick === true)))),
      );
      results.scrollTop = 0;
      recordTiming(startedAt);
    } catch (e) {
      if (mine === seq && results.isConnected) showError(e as CommandError);
    }
  };

  const kb = keyboard({
    label: tr(T.searchLabel),
    initial: r.q,
    testid: 'search-field',
    onChange: (text) => {
      r.q = text;
      void run(performance.now());
    },
  });

  const chip = h('div', { class: 'chip-row' });
  const paintChip = (): void => {
    chip.replaceChildren(
      button(
        {
          class: 'btn chip',
          testid: 'filter-online',
          'aria-pressed': String(r.online),
          onClick: () => {
            r.online = !r.online;
            paintChip();
            void run(performance.now());
          },
        },
        h('span', { class: 'chip-box', 'aria-hidden': 'true' }, r.online ? '✓' : ''),
        tr(T.searchOnline),
      ),
      ...(r.field === null
        ? []
        : [button(
            {
              class: 'btn chip chip-on',
              testid: 'filter-field',
              'aria-label': `${tr(T.searchClearField)}: ${r.field}`,
              onClick: () => {
                r.field = null;
                paintChip();
                void run(performance.now());
              },
            },
            r.field,
            h('span', { 'aria-hidden': 'true' }, ' ✕'),
          )]),
    );
  };
  paintChip();

  const kbToggle = button({ class: 'btn btn-nav kb-toggle', testid: 'kb-toggle' });
  const paintKb = (): void => {
    kb.el.hidden = !r.keyboard;
    kbToggle.textContent = tr(r.keyboard ? T.keyboardHide : T.keyboardShow);
    root.classList.toggle('kb-open', r.keyboard);
  };
  kbToggle.addEventListener('click', () => {
    r.keyboard = !r.keyboard;
    paintKb();
  });

  const root = screenRootWith(
    'screen-procedures',
    { extra: [kbToggle] },
    h('h1', null, tr(r.pick ? T.searchPickTitle : T.searchTitle)),
    h('div', { class: 'search-row' }, icon('search', 'icon search-icon'), kb.input),
    chip,
    countEl,
    results,
    h('div', { class: 'kb-area' }, kb.el, h('p', { class: 'kb-hint muted' }, tr(T.kbHint))),
  );
  paintKb();
  void run(performance.now());
  return { root };
}
