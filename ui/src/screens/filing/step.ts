// Online filing, question screens: one question of the form per screen (ID card scan fills the applicant).

import { scanDecode } from '../../api';
import { type Route, type Screen, announce, goHome, navigate } from '../../app';
import { button, h, icon } from '../../dom';
import { activeQuestions, displayDate, validate } from '../../filing/forms';
import { filing } from '../../filing/session';
import { FT, progressText } from '../../filing/text';
import { keyboard, keypad } from '../../keyboard';
import { lang, tr } from '../../i18n';
import { choiceInput, filingRoot, vi } from './shared';

/** Within this gap keys belong to one read. Scanners type every few ms; the E2E's WebDriver on a
 * loaded 2-core machine left gaps over 100 ms and its read was lost. A person does not type 20
 * characters with "|" in them, so a wider gap cannot mistake typing for a scan. */
const WEDGE_GAP_MS = 300;

/** Reads a barcode scanner that types (keyboard wedge): fast keys ending in Enter. */
function scanWedge(onScan: (text: string) => void): () => void {
  let buf = '';
  let last = 0;
  const onKey = (ev: KeyboardEvent): void => {
    const now = performance.now();
    if (now - last > WEDGE_GAP_MS) buf = '';
    last = now;
    if (ev.key === 'Enter') {
      if (buf.includes('|') && buf.length >= 20) {
        ev.preventDefault();
        ev.stopPropagation();
        const text = buf;
        buf = '';
        // The scanner also typed into the focused field: take it back out.
        const el = document.activeElement;
        if (el instanceof HTMLInputElement && el.value.endsWith(text)) {
          el.value = el.value.slice(0, el.value.length - text.length);
          el.dispatchEvent(new Event('input'));
        }
        onScan(text);
      }
      buf = '';
      return;
    }
    if (ev.key.length === 1) buf += ev.key;
  };
  document.addEventListener('keydown', onKey, true);
  return () => {
    document.removeEventListener('keydown', onKey, true);
  };
}

export function renderFileStep(route: Route): Screen {
  const r = route as Extract<Route, { name: 'file-step' }>;
  const form = filing.form;
  if (!form) {
    // Session gone (ended, or a stale route): start over.
    window.setTimeout(() => {
      goHome();
    }, 0);
    return { root: h('section', { class: 'screen' }) };
  }
  const questions = activeQuestions(form, filing.answers);
  const q = questions.at(Math.min(r.index, questions.length - 1));
  if (!q) return { root: h('section', { class: 'screen' }) };
  // What was typed but not yet confirmed survives a redraw (language switch, Back and forth).
  let value = filing.drafts[q.id] ?? filing.answers[q.id] ?? '';
  const wasPrefilled = q.prefill !== undefined && value !== '';
  const errorSlot = h('div', { class: 'error-slot', testid: 'q-error' });

  const next = (): void => {
    const err = validate(q, value);
    if (err) {
      errorSlot.replaceChildren(
        h(
          'div',
          { class: 'alert alert-error', role: 'alert' },
          h('p', { class: 'alert-title' }, tr(FT.errorTitle)),
          h('p', { class: 'alert-main', testid: 'q-error-text' }, tr(err)),
        ),
      );
      field?.input.setAttribute('aria-invalid', 'true');
      announce(tr(err));
      return;
    }
    filing.answers[q.id] = value.normalize('NFC').trim();
    filing.drafts[q.id] = undefined;
    const now = activeQuestions(form, filing.answers);
    const i = now.findIndex((x) => x.id === q.id);
    if (i + 1 < now.length) navigate({ name: 'file-step', index: i + 1 });
    else navigate({ name: 'file-docs' });
  };

  let field: ReturnType<typeof keyboard> | null = null;
  let input: HTMLElement;
  const continueBtn = button({ class: 'btn btn-primary btn-continue', testid: 'btn-continue', onClick: next }, tr(FT.continue), icon('chevron'));
  if (q.kind === 'choice') {
    input = choiceInput(q, value, (v) => {
      value = v;
      filing.drafts[q.id] = v;
      errorSlot.replaceChildren();
    });
  } else {
    const onChange = (t: string): void => {
      value = t;
      filing.drafts[q.id] = t;
    };
    field =
      q.kind === 'text'
        ? keyboard({ label: tr(q.label), initial: value, testid: 'q-field', onChange, capitalize: q.capitalize ?? 'sentence' })
        : keypad({ label: tr(q.label), initial: value, testid: 'q-field', onChange, slash: q.kind === 'date' });
    field.input.type = 'text';
    field.input.setAttribute('aria-describedby', 'q-hint');
    // Continue sits beside the field, in sight above the keys on any screen height.
    // With the digit pad, the field and Continue stand beside the keys.
    input = h('div', { class: q.kind === 'text' ? 'q-input' : 'q-input q-input-pad' }, h('div', { class: 'q-row' }, field.input, continueBtn), field.el);
  }

  const stopWedge = scanWedge((text) => {
    scanDecode(text)
      .then((s) => {
        if (!root.isConnected) return;
        if (s.kind !== 'cccd') return;
        if (!s.valid) {
          errorSlot.replaceChildren(h('p', { class: 'alert alert-error', role: 'alert', testid: 'scan-invalid' }, (vi() ? s.reason_vi : s.reason_en) ?? ''));
          return;
        }
        const fill: [string, string | undefined][] = [
          ['applicant_name', s.full_name],
          ['applicant_id', s.id_number],
          ['applicant_birth_date', s.date_of_birth ? displayDate(s.date_of_birth) : undefined],
          ['applicant_address', s.address],
        ];
        for (const [id, v] of fill) if (v) filing.answers[id] = v.normalize('NFC');
        const mine = filing.answers[q.id];
        if (mine !== undefined && field) field.set(mine);
        value = mine ?? value;
        errorSlot.replaceChildren(h('p', { class: 'alert alert-info', role: 'status', testid: 'scan-filled' }, tr(FT.scanFilled)));
      })
      .catch(() => undefined);
  });

  const n = questions.length;
  const root = filingRoot(
    'screen-file-step',
    h('p', { class: 'eyebrow', testid: 'q-progress' }, `${form.title[lang()]} · ${progressText(r.index + 1, n, vi())}`),
    h('progress', { class: 'progress', max: n, value: r.index + 1, 'aria-hidden': 'true' }),
    h('h1', { id: 'q-label', testid: 'q-label' }, tr(q.label)),
    h(
      'p',
      { id: 'q-hint', class: 'q-hint' },
      q.hint ? tr(q.hint) : '',
      q.id.startsWith('applicant_') ? ` ${tr(FT.scanHint)}` : '',
    ),
    wasPrefilled ? h('p', { class: 'alert alert-info', testid: 'q-prefilled' }, tr(FT.prefilled)) : null,
    errorSlot,
    input,
    q.kind === 'choice' ? continueBtn : null,
  );
  if (field) {
    field.input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') next();
    });
  }
  return { root, cleanup: stopWedge };
}
