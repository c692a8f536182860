// Online filing, guided: sign in with VNeID by QR, one question per screen, documents, how to
// receive the result, review, send, receipt. Every screen has Back, Home and "Kết thúc".
// The citizen's data lives in filing/session.ts (memory only) and is cleared when the session
// ends: "Kết thúc", sign-out, Home, or the idle timeout.

import {
  type CommandError,
  type DossierRequestWire,
  type SignInStart,
  type SubmitResult,
  getProcedure,
  scanDecode,
  scannerTake,
  signinStart,
  signinStatus,
  submitDossier,
} from '../api';
import { type Route, type Screen, announce, back, goHome, navigate, screenRootWith, state } from '../app';
import { button, h, icon } from '../dom';
import { errorBox } from '../errors';
import { type Question, activeQuestions, displayDate, formFor, isoDate, validate } from '../filing/forms';
import {
  MAX_DOSSIER,
  MAX_FILE,
  type ChecklistItem,
  checklistFrom,
  attachedBytes,
  filing,
  sniff,
  toBase64,
} from '../filing/session';
import { FT, countdownText, progressText } from '../filing/text';
import { keyboard, keypad } from '../keyboard';
import { T, copiesText, feeText, lang, tr } from '../i18n';

const vi = (): boolean => lang() === 'vi';

/** "Kết thúc" beside Back and Home: asks, then clears everything. */
function endButton(): HTMLButtonElement {
  return button(
    {
      class: 'btn btn-nav',
      testid: 'btn-end-session',
      onClick: () => {
        navigate({ name: 'file-leave' });
      },
    },
    tr(FT.endSession),
  );
}

/**
 * A screen of a filing in progress. Once signed in, Home asks first, as Kết thúc does: one
 * stray tap must not throw away a dossier half filled in.
 */
function filingRoot(cls: string, ...content: (Node | null | undefined | false)[]): HTMLElement {
  const onHome = (): void => {
    if (filing.profile || Object.keys(filing.answers).length > 0) navigate({ name: 'file-leave' });
    else goHome();
  };
  return screenRootWith(`screen-filing ${cls}`, { extra: [endButton()], onHome }, ...content);
}

function svg(markup: string, label: string): Node {
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const el = doc.documentElement;
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', label);
  return document.importNode(el, true);
}

function demoBadge(): HTMLElement {
  return h('p', { class: 'badge badge-demo', testid: 'demo-idp' }, tr(FT.signinDemo));
}

// ---------------------------------------------------------------- start

export function renderFileStart(route: Route): Screen {
  const r = route as Extract<Route, { name: 'file-start' }>;
  if (r.code) {
    filing.procedureCode = r.code;
    filing.procedureName = r.procName;
  }
  const root = filingRoot(
    'screen-file-start',
    r.code ? h('p', { class: 'eyebrow', testid: 'file-procedure' }, `${tr(FT.forProcedure)}: ${r.procName}`) : null,
    h('h1', null, tr(FT.startTitle)),
    h('p', { class: 'lead' }, tr(FT.startLead)),
    h(
      'ol',
      { class: 'steps-list' },
      [FT.startStep1, FT.startStep2, FT.startStep3, FT.startStep4].map((t) => h('li', null, tr(t))),
    ),
    button(
      {
        class: 'btn btn-primary btn-xl',
        testid: 'btn-signin',
        onClick: () => {
          navigate({ name: 'signin' });
        },
      },
      icon('vneid'),
      h('span', null, tr(FT.startButton)),
    ),
    h('p', { class: 'muted' }, tr(FT.startHelp)),
  );
  return { root };
}

// ---------------------------------------------------------------- sign-in

/** Fills the answers the citizen's profile knows (they can still change them). */
function prefillFromProfile(): void {
  const p = filing.profile;
  if (!p) return;
  const set = (id: string, v: string | null): void => {
    if (v && !filing.answers[id]) filing.answers[id] = v.normalize('NFC');
  };
  set('applicant_name', p.full_name);
  set('applicant_id', p.id_number);
  set('applicant_birth_date', p.date_of_birth ? displayDate(p.date_of_birth) : null);
  set('applicant_address', p.address);
  set('applicant_phone', p.phone);
}

/** After sign-in: the form of the chosen procedure, or choose one (online ones only). */
function afterSignIn(): void {
  if (filing.procedureCode) {
    filing.form = formFor(filing.procedureCode, filing.procedureName);
    navigate({ name: 'file-step', index: 0 }, { replace: true });
  } else {
    navigate({ name: 'procedures', q: '', field: null, online: true, keyboard: true, pick: true }, { replace: true });
  }
}

export function renderSignin(): Screen {
  const body = h('div', { class: 'signin', testid: 'signin', 'aria-busy': 'true' }, h('p', { class: 'lead muted', role: 'status' }, tr(FT.signinStarting)));
  const root = filingRoot('screen-signin', h('h1', null, tr(FT.signinTitle)), body);
  let poll = 0;
  let tick = 0;
  let deadline = 0;
  const stop = (): void => {
    window.clearTimeout(poll);
    window.clearInterval(tick);
  };

  const failed = (msg: string, err?: CommandError): void => {
    stop();
    body.setAttribute('aria-busy', 'false');
    body.replaceChildren(
      err ? errorBox(err, { testid: 'signin-failed' }) : h('p', { class: 'alert alert-error', role: 'alert', testid: 'signin-failed' }, msg),
      button({ class: 'btn btn-primary btn-xl signin-retry', testid: 'btn-signin-retry', onClick: start }, tr(FT.signinRetry)),
    );
  };

  const show = (s: SignInStart): void => {
    const count = h('p', { class: 'signin-count', testid: 'signin-countdown', 'aria-live': 'off' });
    deadline = Date.now() + s.expires_in * 1000;
    const paint = (): void => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      count.textContent = countdownText(left, vi());
    };
    paint();
    tick = window.setInterval(paint, 1000);
    body.setAttribute('aria-busy', 'false');
    body.replaceChildren(
      ...(s.demo ? [demoBadge()] : []),
      h(
        'div',
        { class: 'signin-grid' },
        h('div', { class: 'qr qr-large', testid: 'signin-qr' }, svg(s.qr_svg, tr(FT.signinTitle))),
        h(
          'div',
          { class: 'signin-text' },
          h('p', { class: 'lead' }, tr(FT.signinHow)),
          h('p', { class: 'signin-code-label' }, tr(FT.signinCode)),
          h('p', { class: 'signin-code', testid: 'signin-user-code' }, s.user_code),
          h('p', { class: 'muted' }, tr(FT.signinCodeHelp)),
          count,
          h('p', { class: 'busy', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), tr(FT.signinWaiting)),
        ),
      ),
    );
    const check = (): void => {
      signinStatus()
        .then((st) => {
          if (!root.isConnected) return;
          if (st.status === 'approved' && st.profile) {
            stop();
            filing.profile = st.profile;
            filing.demo = st.demo;
            prefillFromProfile();
            announce(tr(FT.signinOk));
            afterSignIn();
          } else if (st.status === 'pending') {
            poll = window.setTimeout(check, Math.max(1, s.interval) * 1000);
          } else if (st.status === 'denied') {
            failed(tr(FT.signinDenied));
          } else if (st.status === 'expired') {
            failed(tr(FT.signinExpired));
          } else {
            failed((vi() ? st.message_vi : st.message_en) ?? tr(FT.signinExpired));
          }
        })
        .catch((e: unknown) => {
          if (root.isConnected) failed('', e as CommandError);
        });
    };
    poll = window.setTimeout(check, Math.max(1, s.interval) * 1000);
  };

  function start(): void {
    stop();
    body.setAttribute('aria-busy', 'true');
    body.replaceChildren(h('p', { class: 'lead muted', role: 'status' }, tr(FT.signinStarting)));
    signinStart()
      .then((s) => {
        if (root.isConnected) show(s);
      })
      .catch((e: unknown) => {
        if (root.isConnected) failed('', e as CommandError);
      });
  }
  start();
  // The QR stays up while the citizen finds their phone: a longer idle time here.
  return { root, cleanup: stop, idleSecs: 180 };
}

// ---------------------------------------------------------------- questions

/** Reads a barcode scanner that types (keyboard wedge): fast keys ending in Enter. */
function scanWedge(onScan: (text: string) => void): () => void {
  let buf = '';
  let last = 0;
  const onKey = (ev: KeyboardEvent): void => {
    const now = performance.now();
    if (now - last > 100) buf = '';
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

function choiceInput(q: Question, value: string, onPick: (v: string) => void): HTMLElement {
  const group = h('div', { class: 'radio-group', role: 'radiogroup', 'aria-labelledby': 'q-label', testid: 'choices' });
  const paint = (current: string): void => {
    group.replaceChildren(
      ...(q.choices ?? []).map((c) =>
        button(
          {
            class: `btn btn-radio${c.value === current ? ' is-on' : ''}`,
            role: 'radio',
            'aria-checked': String(c.value === current),
            testid: `choice-${c.value}`,
            onClick: () => {
              onPick(c.value);
              paint(c.value);
            },
          },
          h('span', { class: 'radio-dot', 'aria-hidden': 'true' }),
          tr(c.label),
        ),
      ),
    );
  };
  paint(value);
  return group;
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
        if (s.valid === false) {
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

// ---------------------------------------------------------------- documents

/** Photos are downscaled to at most this many pixels on the long side (JPEG). */
const PHOTO_MAX_PX = 2000;

async function downscale(bytes: Uint8Array, type: string): Promise<Uint8Array> {
  if (type === 'application/pdf') return bytes;
  const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type }));
  const scale = PHOTO_MAX_PX / Math.max(bitmap.width, bitmap.height);
  if (scale >= 1 && type === 'image/jpeg') return bytes;
  const w = Math.round(bitmap.width * Math.min(1, scale));
  const hgt = Math.round(bitmap.height * Math.min(1, scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = hgt;
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, w, hgt);
  const blob = await new Promise<Blob | null>((res) => {
    canvas.toBlob(res, 'image/jpeg', 0.85);
  });
  if (!blob || blob.size >= bytes.length) return bytes;
  return new Uint8Array(await blob.arrayBuffer());
}

export function renderFileDocs(): Screen {
  const list = h('ol', { class: 'doc-pick-list', testid: 'doc-list' });
  const notice = h('div', { class: 'error-slot', testid: 'doc-error' });
  const root = filingRoot(
    'screen-file-docs',
    h('h1', null, tr(FT.docsTitle)),
    h('p', { class: 'lead' }, tr(FT.docsLead)),
    notice,
    list,
    button(
      {
        class: 'btn btn-primary btn-continue',
        testid: 'btn-continue',
        onClick: () => {
          navigate({ name: 'file-delivery' });
        },
      },
      tr(FT.continue),
      icon('chevron'),
    ),
  );

  const fail = (t: { vi: string; en: string } | CommandError): void => {
    const isText = typeof t === 'object' && 'vi' in t;
    notice.replaceChildren(isText ? h('p', { class: 'alert alert-error', role: 'alert' }, tr(t)) : errorBox(t));
    announce(notice.textContent);
  };

  const accept = async (item: ChecklistItem, fileName: string, raw: Uint8Array): Promise<void> => {
    const type = sniff(raw);
    if (!type) {
      fail(FT.docNotType);
      return;
    }
    const bytes = await downscale(raw, type);
    if (bytes.length > MAX_FILE) {
      fail(FT.docTooBig);
      return;
    }
    const others = attachedBytes() - (item.choice?.kind === 'file' ? item.choice.size : 0);
    if (others + bytes.length > MAX_DOSSIER) {
      fail(FT.docTotalTooBig);
      return;
    }
    item.choice = { kind: 'file', fileName, mediaType: type, size: bytes.length, base64: toBase64(bytes) };
    notice.replaceChildren();
    paint();
  };

  const row = (item: ChecklistItem, i: number): HTMLElement => {
    const picker = h('input', {
      type: 'file',
      accept: '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png',
      class: 'visually-hidden',
      id: `doc-file-${String(i)}`,
      testid: `doc-file-${String(i)}`,
      'aria-label': `${tr(FT.docFile)}: ${item.name}`,
      tabindex: -1,
    });
    picker.addEventListener('change', () => {
      const f = picker.files?.[0];
      if (!f) return;
      if (f.size > MAX_FILE * 4) {
        fail(FT.docTooBig);
        return;
      }
      void f.arrayBuffer().then((b) => accept(item, f.name, new Uint8Array(b)));
    });
    const status =
      item.choice?.kind === 'file'
        ? `${item.choice.fileName} (${(item.choice.size / 1024 / 1024).toFixed(1)} MB)`
        : item.choice?.kind === 'paper'
          ? tr(FT.docIsPaper)
          : '';
    return h(
      'li',
      { class: 'doc-pick', testid: `doc-${String(i)}` },
      h('p', { class: 'doc-name' }, item.name),
      h('p', { class: 'doc-meta' }, copiesText(item.originals, item.copies)),
      status ? h('p', { class: 'doc-status', testid: `doc-status-${String(i)}` }, icon('check'), status) : null,
      h(
        'div',
        { class: 'doc-actions' },
        picker,
        button(
          {
            class: 'btn',
            testid: `doc-choose-${String(i)}`,
            onClick: () => {
              picker.click();
            },
          },
          icon('folder'),
          tr(FT.docFile),
        ),
        button(
          {
            class: 'btn',
            testid: `doc-scan-${String(i)}`,
            onClick: () => {
              scannerTake()
                .then((f) => {
                  const bin = atob(f.content_base64);
                  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
                  return accept(item, f.file_name, bytes);
                })
                .catch((e: unknown) => {
                  fail(e as CommandError);
                });
            },
          },
          icon('printer'),
          tr(FT.docScan),
        ),
        item.choice
          ? button(
              {
                class: 'btn btn-quiet',
                testid: `doc-remove-${String(i)}`,
                onClick: () => {
                  item.choice = null;
                  paint();
                },
              },
              tr(FT.docRemove),
            )
          : button(
              {
                class: 'btn',
                testid: `doc-paper-${String(i)}`,
                onClick: () => {
                  item.choice = { kind: 'paper' };
                  paint();
                },
              },
              tr(FT.docPaper),
            ),
      ),
    );
  };

  const paint = (): void => {
    const rows = filing.documents.map(row);
    const firstCase = filing.documents.findIndex((d) => d.conditional);
    if (firstCase >= 0) {
      // What only some cases need, under its own heading.
      rows.splice(firstCase, 0, h('li', { class: 'doc-heading', testid: 'doc-cases' }, h('h2', { class: 'h-sub' }, tr(FT.docsCases))));
    }
    list.replaceChildren(...(rows.length ? rows : [h('p', null, tr(FT.docsNone))]));
  };

  if (filing.documents.length === 0 && filing.procedureCode) {
    list.replaceChildren(h('p', { class: 'muted', role: 'status' }, tr(T.searchLoading)));
    getProcedure(filing.procedureCode)
      .then((p) => {
        filing.documents = checklistFrom(p.documents);
        if (root.isConnected) paint();
      })
      .catch((e: unknown) => {
        if (root.isConnected) fail(e as CommandError);
      });
  } else {
    paint();
  }
  return { root };
}

// ---------------------------------------------------------------- delivery

export function renderFileDelivery(): Screen {
  const d = filing.drafts;
  let method: 'office' | 'post' = (d.delivery_method ?? filing.delivery?.method) === 'post' ? 'post' : 'office';
  let address =
    d.delivery_address ?? (filing.delivery?.method === 'post' ? filing.delivery.address : (filing.answers.applicant_address ?? ''));
  const errorSlot = h('div', { class: 'error-slot' });
  const addressBox = h('div', { class: 'q-input', testid: 'delivery-address' });
  const kb = keyboard({
    label: tr(FT.deliveryAddress),
    initial: address,
    testid: 'delivery-field',
    capitalize: 'sentence',
    onChange: (t) => {
      address = t;
      filing.drafts.delivery_address = t;
    },
  });
  kb.input.type = 'text';
  const continueBtn = button(
    {
      class: 'btn btn-primary btn-continue',
      testid: 'btn-continue',
      onClick: () => {
        if (method === 'post' && address.trim().length < 5) {
          errorSlot.replaceChildren(h('p', { class: 'alert alert-error', role: 'alert' }, tr(FT.deliveryNeedAddress)));
          return;
        }
        filing.delivery = method === 'post' ? { method: 'post', address: address.normalize('NFC').trim() } : { method: 'office' };
        navigate({ name: 'file-review' });
      },
    },
    tr(FT.continue),
    icon('chevron'),
  );
  const addressRow = h('div', { class: 'q-row' }, kb.input);
  const tail = h('div', { class: 'q-tail' });
  addressBox.append(h('p', { class: 'pin-label' }, tr(FT.deliveryAddress)), addressRow, kb.el);
  const paint = (): void => {
    addressBox.hidden = method !== 'post';
    // Continue beside the address field when the keys are up (in sight above them), else last.
    (method === 'post' ? addressRow : tail).append(continueBtn);
  };
  const choices = choiceInput(
    {
      id: 'delivery',
      kind: 'choice',
      label: FT.deliveryTitle,
      required: true,
      choices: [
        { value: 'office', label: FT.deliveryOffice },
        { value: 'post', label: FT.deliveryPost },
      ],
    },
    method,
    (v) => {
      method = v === 'post' ? 'post' : 'office';
      filing.drafts.delivery_method = method;
      paint();
    },
  );
  const root = filingRoot(
    'screen-file-delivery',
    h('h1', { id: 'q-label' }, tr(FT.deliveryTitle)),
    errorSlot,
    choices,
    addressBox,
    tail,
  );
  paint();
  return { root };
}

// ---------------------------------------------------------------- review and send

function request(): DossierRequestWire | null {
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
                class: 'btn btn-quiet',
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
  const send = button({ class: 'btn btn-primary btn-xl', testid: 'btn-send' }, tr(FT.reviewSend));
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
      });
  });
  const root = filingRoot(
    'screen-file-review',
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
    send,
  );
  return { root };
}

// ---------------------------------------------------------------- receipt on screen

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
  const root = screenRootWith(
    'screen-filing screen-file-done',
    { extra: [end] },
    h('h1', null, tr(FT.doneTitle)),
    d
      ? h(
          'div',
          { class: 'done-grid' },
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

// ---------------------------------------------------------------- leaving

export function renderFileLeave(): Screen {
  const root = screenRootWith(
    'screen-file-leave',
    {},
    h('h1', null, tr(FT.leaveTitle)),
    h('p', { class: 'lead' }, tr(FT.leaveLead)),
    h(
      'div',
      { class: 'leave-actions' },
      button(
        {
          class: 'btn btn-danger btn-xl',
          testid: 'btn-leave-yes',
          onClick: () => {
            goHome();
          },
        },
        tr(FT.leaveYes),
      ),
      button({ class: 'btn btn-xl', testid: 'btn-leave-no', onClick: back }, tr(FT.leaveNo)),
    ),
  );
  return { root };
}
