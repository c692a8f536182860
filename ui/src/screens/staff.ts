// Staff at the kiosk (issue 12): sign-in with the staff member's own account (staff assist
// mode), enrollment of the kiosk with a one-time code, the staff tools, and the local emergency
// PIN (only when the office configured one: leaving kiosk mode while the server is away).

import {
  type CommandError,
  type StaffState,
  type StaffTools,
  assistEnd,
  assistSignIn,
  enrollKiosk,
  exitKiosk,
  printTestPage,
  reprintLastReceipt,
  reprintLastTicket,
  staffState,
  staffTools,
  staffUnlock,
} from '../api';
import { type Route, type Screen, announce, goHome, navigate, screenRoot, setAssist, state } from '../app';
import { button, h, icon } from '../dom';
import { errorBox } from '../errors';
import { T, pinEnteredText, printerStateText, tr } from '../i18n';
import { keyboard } from '../keyboard';

const MAX_PIN = 12;
/** The staff screens go home after this long untouched, whatever the server allows. */
const STAFF_IDLE_CAP_SECS = 300;

type StaffRoute = Extract<Route, { name: 'staff' }>;
type EnrollRoute = Extract<Route, { name: 'staff-enroll' }>;
type PinRoute = Extract<Route, { name: 'staff-pin' }>;
type StaffMenuRoute = Extract<Route, { name: 'staff-menu' }>;

/** Ends assist mode: at the server (the token leaves memory), and home for the next citizen. */
export function endAssist(): void {
  if (state.assist === null) return;
  setAssist(null);
  assistEnd().catch(() => undefined);
  goHome(true);
}

/** The assist bar follows what the backend says (the server may end the session). */
export function followAssist(assisting: boolean): void {
  if (!assisting && state.assist !== null) {
    setAssist(null);
    goHome(true);
  }
}

function startAssist(s: StaffState): void {
  if (!s.assisting) return;
  setAssist({ staff: s.assisting, idleSecs: s.idle_timeout_secs }, endAssist);
}

function staffIdle(): number | undefined {
  return state.assist ? Math.min(STAFF_IDLE_CAP_SECS, Math.max(30, state.assist.idleSecs)) : undefined;
}

function notice(testid: string, text: string, extra?: Node): HTMLElement {
  return h('div', { class: 'staff-notice', testid, role: 'status' }, h('p', null, text), extra ?? null);
}

// ---------------------------------------------------------------- sign-in

export function renderStaff(route: Route): Screen {
  const r = route as StaffRoute;
  const errorSlot = h('div', { class: 'error-slot' });
  const noticeSlot = h('div', { class: 'notice-slot' });
  const showError = (err: CommandError | null): void => {
    r.error = err;
    errorSlot.replaceChildren(...(err ? [errorBox(err)] : []));
  };

  const user = keyboard({
    label: tr(T.username),
    initial: r.username,
    testid: 'staff-username',
    plain: true,
    onChange: (t) => {
      r.username = t;
      paint();
    },
  });
  const pass = keyboard({
    label: tr(T.password),
    initial: r.password,
    testid: 'staff-password',
    plain: true,
    onChange: (t) => {
      r.password = t;
      paint();
    },
  });
  pass.input.type = 'password';
  user.input.type = 'text';
  user.input.autocomplete = 'off';
  pass.input.autocomplete = 'off';

  const reveal = button(
    {
      class: 'btn btn-secondary btn-reveal',
      testid: 'staff-password-reveal',
      'aria-pressed': 'false',
      onClick: () => {
        const shown = pass.input.type === 'text';
        pass.input.type = shown ? 'password' : 'text';
        reveal.setAttribute('aria-pressed', String(!shown));
        reveal.textContent = tr(shown ? T.showPassword : T.hidePassword);
      },
    },
    tr(T.showPassword),
  );

  const kbSlot = h('div', { class: 'staff-kb' });
  const choose = (field: 'username' | 'password'): void => {
    r.field = field;
    kbSlot.replaceChildren(field === 'username' ? user.el : pass.el);
    userRow.classList.toggle('is-active', field === 'username');
    passRow.classList.toggle('is-active', field === 'password');
  };
  for (const [kb, field] of [
    [user, 'username'],
    [pass, 'password'],
  ] as const) {
    kb.input.addEventListener('focus', () => {
      choose(field);
    });
    kb.input.addEventListener('pointerdown', () => {
      choose(field);
    });
  }
  const fieldRow = (label: string, input: HTMLInputElement, extra?: Node): HTMLElement => {
    const id = `${input.dataset.testid ?? 'f'}-label`;
    input.setAttribute('aria-labelledby', id);
    return h(
      'div',
      { class: 'staff-field' },
      h('span', { class: 'staff-field-label', id }, label),
      h('div', { class: 'staff-field-row' }, input, extra ?? null),
    );
  };
  const next = button(
    {
      class: 'btn btn-secondary staff-next',
      testid: 'staff-next-field',
      onClick: () => {
        choose('password');
      },
    },
    `${tr(T.password)} →`,
  );
  const userRow = fieldRow(tr(T.username), user.input, next);
  const passRow = fieldRow(tr(T.password), pass.input, reveal);

  const submit = button(
    {
      class: 'btn btn-primary staff-submit',
      testid: 'staff-signin',
      onClick: () => {
        void signIn();
      },
    },
    tr(T.signIn),
  );
  const paint = (): void => {
    submit.disabled = r.busy || r.username.trim() === '' || r.password === '';
    submit.textContent = r.busy ? tr(T.signingIn) : tr(T.signIn);
  };
  const signIn = async (): Promise<void> => {
    if (r.busy || r.username.trim() === '' || r.password === '') return;
    r.busy = true;
    paint();
    showError(null);
    try {
      const s = await assistSignIn(r.username, r.password);
      r.password = '';
      startAssist(s);
      navigate({ name: 'staff-menu', busy: false, error: null }, { replace: true });
    } catch (e) {
      r.password = '';
      pass.set('');
      r.busy = false;
      if (!root.isConnected) return;
      paint();
      showError(e as CommandError);
      const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: string }).code : '';
      if (code === 'unauthorized') void refresh();
      choose('password');
    }
  };
  const onKey = (ev: KeyboardEvent): void => {
    if (ev.key === 'Enter' && !(ev.target instanceof HTMLButtonElement)) {
      ev.preventDefault();
      void signIn();
    }
  };
  window.addEventListener('keydown', onKey);

  // What the kiosk knows: enrolled? server there? an emergency PIN?
  const refresh = async (): Promise<void> => {
    let s: StaffState;
    try {
      s = await staffState();
    } catch {
      return;
    }
    if (!root.isConnected) return;
    const parts: Node[] = [];
    const pinBtn = s.emergency_pin
      ? button(
          {
            class: 'btn btn-secondary',
            testid: 'staff-emergency-pin',
            onClick: () => {
              navigate({ name: 'staff-pin', pin: '', busy: false, error: null });
            },
          },
          icon('lock'),
          h('span', null, tr(T.emergencyPin)),
        )
      : null;
    if (!s.enrolled) {
      parts.push(
        notice(
          'staff-not-enrolled',
          tr(T.enrollNeeded),
          button(
            {
              class: 'btn btn-primary',
              testid: 'staff-enroll',
              onClick: () => {
                navigate({ name: 'staff-enroll', code: '', busy: false, error: null });
              },
            },
            tr(T.enrollKiosk),
          ),
        ),
      );
    } else if (!s.online) {
      parts.push(notice('staff-server-away', tr(T.serverAway)));
    }
    if (pinBtn) parts.push(pinBtn);
    // The public default PIN works in demo mode only, and says so.
    if (pinBtn && s.emergency_pin_demo) parts.push(notice('staff-pin-demo', tr(T.emergencyPinDemo)));
    noticeSlot.replaceChildren(...parts);
  };
  void refresh();

  const root = screenRoot(
    'screen-staff-signin',
    h(
      'div',
      { class: 'staff-col' },
      h('h1', null, tr(T.staffTitle)),
      h('p', { class: 'lead' }, tr(T.signInLead)),
      userRow,
      passRow,
      errorSlot,
      submit,
      noticeSlot,
    ),
    kbSlot,
  );
  choose(r.field);
  paint();
  showError(r.error);
  return {
    root,
    cleanup: () => {
      window.removeEventListener('keydown', onKey);
    },
  };
}

// ---------------------------------------------------------------- enrollment

export function renderStaffEnroll(route: Route): Screen {
  const r = route as EnrollRoute;
  const errorSlot = h('div', { class: 'error-slot' });
  const kb = keyboard({
    label: tr(T.enrollCode),
    initial: r.code,
    testid: 'enroll-code',
    plain: true,
    onChange: (t) => {
      r.code = t;
      paint();
    },
  });
  kb.input.type = 'text';
  kb.input.classList.add('enroll-field');
  const labelId = 'enroll-code-label';
  kb.input.setAttribute('aria-labelledby', labelId);
  const submit = button(
    {
      class: 'btn btn-primary staff-submit',
      testid: 'enroll-submit',
      onClick: () => {
        void enroll();
      },
    },
    tr(T.enrollKiosk),
  );
  const paint = (): void => {
    submit.disabled = r.busy || r.code.trim() === '';
    submit.textContent = r.busy ? tr(T.enrolling) : tr(T.enrollKiosk);
  };
  const enroll = async (): Promise<void> => {
    if (r.busy || r.code.trim() === '') return;
    r.busy = true;
    paint();
    errorSlot.replaceChildren();
    try {
      await enrollKiosk(r.code);
      announce(tr(T.enrolled));
      navigate(
        { name: 'staff', username: '', password: '', field: 'username', busy: false, error: null },
        { replace: true },
      );
    } catch (e) {
      r.busy = false;
      r.error = e as CommandError;
      if (!submit.isConnected) return;
      paint();
      errorSlot.replaceChildren(errorBox(r.error));
    }
  };
  const root = screenRoot(
    'screen-staff-signin screen-staff-enroll',
    h(
      'div',
      { class: 'staff-col' },
      h('h1', null, tr(T.enrollTitle)),
      h('p', { class: 'lead' }, tr(T.enrollLead)),
      h(
        'div',
        { class: 'staff-field is-active' },
        h('span', { class: 'staff-field-label', id: labelId }, tr(T.enrollCode)),
        h('div', { class: 'staff-field-row' }, kb.input),
      ),
      errorSlot,
      submit,
    ),
    h('div', { class: 'staff-kb' }, kb.el),
  );
  paint();
  if (r.error) errorSlot.replaceChildren(errorBox(r.error));
  return { root };
}

// ---------------------------------------------------------------- emergency PIN

export function renderStaffPin(route: Route): Screen {
  const r = route as PinRoute;
  const dots = h('span', { class: 'pin-dots', 'aria-hidden': 'true' });
  const pinOut = h(
    'output',
    { class: 'pin-display', testid: 'pin-display', 'aria-live': 'polite' },
    dots,
    h('span', { class: 'visually-hidden' }),
  );
  const errorSlot = h('div', { class: 'error-slot' });
  const keys: HTMLButtonElement[] = [];

  const paintPin = (): void => {
    dots.textContent = r.pin.length > 0 ? '●'.repeat(r.pin.length) : '–';
    const sr = pinOut.lastElementChild;
    if (sr) sr.textContent = pinEnteredText(r.pin.length);
    submit.disabled = r.busy || r.pin.length === 0;
  };
  const setBusy = (busy: boolean): void => {
    r.busy = busy;
    for (const k of keys) k.disabled = busy;
    submit.textContent = busy ? tr(T.unlocking) : tr(T.unlock);
    paintPin();
  };
  const showError = (err: CommandError | null): void => {
    r.error = err;
    errorSlot.replaceChildren(...(err ? [errorBox(err)] : []));
  };

  const press = (d: string): void => {
    if (r.busy || r.pin.length >= MAX_PIN) return;
    r.pin += d;
    paintPin();
  };
  const del = (): void => {
    if (r.busy) return;
    r.pin = r.pin.slice(0, -1);
    paintPin();
  };
  const clear = (): void => {
    if (r.busy) return;
    r.pin = '';
    paintPin();
  };
  const unlock = async (): Promise<void> => {
    if (r.busy || r.pin.length === 0) return;
    setBusy(true);
    showError(null);
    try {
      await staffUnlock(r.pin);
      r.pin = '';
      navigate({ name: 'staff-menu', busy: false, error: null }, { replace: true });
    } catch (e) {
      r.pin = '';
      if (!root.isConnected) return;
      setBusy(false);
      showError(e as CommandError);
    }
  };

  const key = (testid: string, label: Node | string, onPress: () => void, cls = '', name?: string): HTMLButtonElement => {
    const b = button({ class: `btn key ${cls}`, testid, 'aria-label': name, onClick: onPress }, label);
    keys.push(b);
    return b;
  };

  const digits = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) =>
    key(`pin-key-${d}`, d, () => {
      press(d);
    }),
  );
  const pad = h(
    'div',
    { class: 'keypad', role: 'group', 'aria-label': tr(T.pinLabel) },
    ...digits,
    key('pin-clear', tr(T.pinClear), clear, 'key-fn'),
    key('pin-key-0', '0', () => {
      press('0');
    }),
    key('pin-delete', icon('backspace'), del, 'key-fn', tr(T.pinDeleteName)),
  );
  const submit = button(
    {
      class: 'btn btn-primary btn-unlock',
      testid: 'pin-submit',
      onClick: () => {
        void unlock();
      },
    },
    tr(T.unlock),
  );

  // A keyboard plugged in for maintenance works too.
  const onKey = (ev: KeyboardEvent): void => {
    if (ev.target instanceof HTMLButtonElement && (ev.key === 'Enter' || ev.key === ' ')) return;
    if (/^[0-9]$/.test(ev.key)) press(ev.key);
    else if (ev.key === 'Backspace') del();
    else if (ev.key === 'Enter') void unlock();
    else return;
    ev.preventDefault();
  };
  window.addEventListener('keydown', onKey);

  const root = screenRoot(
    'screen-staff',
    h('h1', null, tr(T.emergencyPin)),
    h('p', { class: 'lead' }, tr(T.emergencyLead)),
    h('div', { class: 'pin-box' }, h('p', { class: 'pin-label' }, tr(T.pinLabel)), pinOut),
    errorSlot,
    pad,
    submit,
  );
  setBusy(r.busy);
  showError(r.error);
  return {
    root,
    cleanup: () => {
      window.removeEventListener('keydown', onKey);
    },
  };
}

// ---------------------------------------------------------------- the staff tools

function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('vi-VN', {
    hour: '2-digit',
    minute: '2-digit',
    day: '2-digit',
    month: '2-digit',
    timeZone: 'Asia/Ho_Chi_Minh',
  }).format(d);
}

function toolsFacts(t: StaffTools): HTMLElement {
  const o = t.outbox;
  const last =
    t.printer.last_job_failed === null
      ? tr(T.printerNoJob)
      : t.printer.last_job_failed
        ? tr(T.printerLastFailed)
        : tr(T.printerLastOk);
  const waiting = o.tickets_pending + o.dossiers_pending + o.tickets_rejected + o.dossiers_rejected;
  const oldest = [o.oldest_ticket, o.oldest_dossier].filter((x): x is string => !!x).sort()[0];
  return h(
    'div',
    { class: 'staff-facts' },
    h(
      'section',
      { class: 'staff-fact-box', 'aria-labelledby': 'printer-title' },
      h('h2', { id: 'printer-title' }, tr(T.printerTitle)),
      h(
        'p',
        { class: `printer-state printer-${t.printer.state}`, testid: 'printer-state', 'data-state': t.printer.state },
        printerStateText(t.printer.state),
      ),
      h('p', null, `${tr(T.printerLastJob)}: ${last}`),
    ),
    h(
      'section',
      { class: 'staff-fact-box', 'aria-labelledby': 'outbox-title', testid: 'outbox' },
      h('h2', { id: 'outbox-title' }, tr(T.outboxTitle)),
      waiting === 0
        ? h('p', { testid: 'outbox-empty' }, tr(T.outboxEmpty))
        : h(
            'dl',
            { class: 'facts' },
            h('dt', null, tr(T.outboxTickets)),
            h('dd', { testid: 'outbox-tickets' }, String(o.tickets_pending)),
            h('dt', null, tr(T.outboxDossiers)),
            h('dd', { testid: 'outbox-dossiers' }, String(o.dossiers_pending)),
            h('dt', null, tr(T.outboxRejected)),
            h('dd', null, String(o.tickets_rejected + o.dossiers_rejected)),
            oldest ? h('dt', null, tr(T.outboxOldest)) : null,
            oldest ? h('dd', null, localTime(oldest)) : null,
          ),
    ),
  );
}

export function renderStaffMenu(route: Route): Screen {
  const r = route as StaffMenuRoute;
  const errorSlot = h('div', { class: 'error-slot' });
  const statusSlot = h('p', { class: 'staff-status', testid: 'staff-tool-status', role: 'status' });
  const factsSlot = h('div', { class: 'staff-facts-slot' });
  const assist = state.assist;

  const showError = (err: CommandError | null): void => {
    r.error = err;
    errorSlot.replaceChildren(...(err ? [errorBox(err)] : []));
  };

  const exitBtn = button(
    {
      class: 'btn btn-danger',
      testid: 'btn-exit-kiosk',
      onClick: () => {
        if (r.busy) return;
        r.busy = true;
        exitBtn.disabled = true;
        exitBtn.textContent = tr(T.exiting);
        announce(tr(T.exiting));
        exitKiosk().catch((e: unknown) => {
          r.busy = false;
          if (!exitBtn.isConnected) return;
          exitBtn.disabled = false;
          exitBtn.textContent = tr(T.exitKiosk);
          showError(e as CommandError);
        });
      },
    },
    tr(T.exitKiosk),
  );

  /** A tool button: runs `job`, says "Printed." or shows the error. */
  const tool = (testid: string, label: string, job: () => Promise<unknown>, cls = 'btn-secondary'): HTMLButtonElement => {
    const b = button(
      {
        class: `btn ${cls} staff-tool`,
        testid,
        onClick: () => {
          if (b.disabled) return;
          b.disabled = true;
          b.textContent = tr(T.printing);
          statusSlot.textContent = '';
          showError(null);
          job()
            .then((out) => {
              const failed =
                typeof out === 'object' && out !== null && 'print_error' in out
                  ? (out as { print_error: CommandError | null }).print_error
                  : null;
              if (failed) showError(failed);
              else statusSlot.textContent = tr(T.printedOk);
            })
            .catch((e: unknown) => {
              showError(e as CommandError);
            })
            .finally(() => {
              b.disabled = false;
              b.textContent = label;
              void loadTools();
            });
        },
      },
      label,
    );
    return b;
  };

  const ticketBtn = tool('staff-reprint-ticket', tr(T.reprintLastTicket), reprintLastTicket);
  const receiptBtn = tool('staff-reprint-receipt', tr(T.reprintLastReceipt), reprintLastReceipt);
  const testBtn = tool('staff-test-page', tr(T.printTestPage), printTestPage);

  const loadTools = async (): Promise<void> => {
    try {
      const t = await staffTools();
      if (!root.isConnected) return;
      factsSlot.replaceChildren(toolsFacts(t));
      ticketBtn.hidden = t.last_ticket === null;
      receiptBtn.hidden = !t.last_receipt;
    } catch (e) {
      if (!root.isConnected) return;
      showError(e as CommandError);
    }
  };

  const info = state.info;
  const kioskFacts = info
    ? h(
        'dl',
        { class: 'facts' },
        h('dt', null, tr(T.kioskId)),
        h('dd', null, info.kiosk_id),
        h('dt', null, tr(T.version)),
        h('dd', null, info.version),
        h('dt', null, tr(T.connection)),
        h('dd', null, state.online ? tr(T.online) : tr(T.offlineShort)),
      )
    : null;

  let root: HTMLElement;
  if (assist) {
    const startBtn = button(
      {
        class: 'btn btn-primary staff-tool',
        testid: 'staff-assist-start',
        onClick: () => {
          // Home without ending anything: the citizen's session starts, assisted.
          navigate({ name: 'home' }, { resetTo: [] });
        },
      },
      tr(T.assistStart),
    );
    ticketBtn.hidden = true;
    receiptBtn.hidden = true;
    root = screenRoot(
      'screen-staff-menu',
      h('h1', null, tr(T.assistToolsTitle)),
      h('div', { class: 'staff-start' }, startBtn, h('p', { class: 'staff-hint' }, tr(T.assistStartHint))),
      h('div', { class: 'staff-tools' }, testBtn, ticketBtn, receiptBtn, assist.staff.role === 'admin' ? exitBtn : null),
      statusSlot,
      errorSlot,
      factsSlot,
      kioskFacts,
    );
    void loadTools();
  } else {
    // The emergency PIN: leaving kiosk mode is all it opens.
    root = screenRoot('screen-staff-menu', h('h1', null, tr(T.staffMenuTitle)), errorSlot, exitBtn, kioskFacts);
  }
  root.dataset.testid = 'staff-menu';
  exitBtn.disabled = r.busy;
  if (r.error) showError(r.error);
  return { root, idleSecs: staffIdle() };
}
