// Counter page (/counter): staff sign in (docs/STAFF-API.md: a session cookie, the CSRF token in
// memory), pick their counter (the session is bound to it; remembered on this computer), then
// call, recall, skip, transfer and complete numbers, with the queues kept live over SSE. A skip
// is undoable: today's skipped numbers are listed with "Gọi lại số này", any waiting or skipped
// number can be typed and called, and a number not yet called again is only skipped after a
// confirmation. Device alerts ("kiosk-1: máy in lỗi") show in a banner at the top, live.
// Managers and admins also see the audit trail (#audit), admins the staff and devices (#admin);
// everyone can change their password (#password). A 401 anywhere returns to the sign-in screen.
// Runs in an ordinary browser against the office server at the same origin; no Tauri.

import '../styles/fonts.css';
import '../styles/base.css';
import '../styles/counter.css';

import { button, h, icon } from '../dom';
import { errorBox } from '../errors';
import {
  T,
  callSkippedLabel,
  calledText,
  otherLang,
  priorityLine,
  servedTodayText,
  serviceName,
  setDocTitle,
  setLang,
  skipConfirmTitle,
  skippedText,
  ticketServiceName,
  tr,
  transferTitle,
  waitMinutesShort,
  lang,
  type Text,
} from '../i18n';
import { type Live, type LiveStatus, startLive } from '../live';
import {
  type CounterAction,
  callNumber,
  counterAction,
  fetchCounters,
  fetchDevices,
  fetchSkipped,
  onUnauthorized,
  setCsrfToken,
} from '../office';
import { type StaffSession, chooseCounter, restoreSession, seesAudit, signOut } from './staff';
import {
  adminScreen,
  auditScreen,
  checkingScreen,
  passwordScreen,
  resetAdmin,
  resetAudit,
  resetPasswordScreen,
  signInScreen,
} from './staffViews';
import { S, whoText } from './text';
import type {
  BoardWire as BoardSnapshot,
  CounterWire as Counter,
  EventWire as QueueEvent,
} from '../wire';
import { emblem, langButton, runClock } from '../shell';
import {
  type CommandError,
  type DeviceStatus,
  type Lang,
  type Service,
  type Ticket,
  errorCode,
  toCommandError,
} from '../wire';

const COUNTER_KEY = 'motcua.counter';
const LANG_KEY = 'motcua.counter.lang';

/** What the page shows once signed in, from the URL's hash. */
type View = 'desk' | 'audit' | 'admin' | 'password';

interface State {
  /** The signed-in staff member's session; null: the sign-in screen. */
  session: StaffSession | null;
  /** Asking the server whether this browser is signed in (a reload). */
  checking: boolean;
  /** Why the sign-in screen shows (session over, signed out). */
  notice: Text | null;
  /** Choosing the counter failed (another counter than the account's: wrong_counter). */
  pickError: CommandError | null;
  choosing: boolean;
  counters: Counter[] | null;
  countersError: CommandError | null;
  /** The chosen counter's id; null: the picker is shown. */
  counterId: string | null;
  services: Service[];
  officeName: string | null;
  busy: CounterAction | null;
  error: CommandError | null;
  transferOpen: boolean;
  live: LiveStatus;
  /** Today's skipped numbers of the chosen counter's services, the latest first. */
  skipped: Ticket[];
  /** The counter `skipped` belongs to. */
  skippedFor: string | null;
  /** Tickets called again at least once: skipped without asking. */
  recalled: Set<string>;
  /** Devices by id, as the server last told. */
  devices: Map<string, DeviceStatus>;
}

const state: State = {
  session: null,
  checking: true,
  notice: null,
  pickError: null,
  choosing: false,
  counters: null,
  countersError: null,
  counterId: null,
  services: [],
  officeName: null,
  busy: null,
  error: null,
  transferOpen: false,
  live: 'connecting',
  skipped: [],
  skippedFor: null,
  recalled: new Set(),
  devices: new Map(),
};

function stored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Private mode or storage off: the choice lasts until the page is closed.
  }
}

function view(): View {
  const v = window.location.hash.replace(/^#/, '');
  const role = state.session?.staff.role;
  if (v === 'audit' && role && seesAudit(role)) return 'audit';
  if (v === 'admin' && role === 'admin') return 'admin';
  if (v === 'password') return 'password';
  return 'desk';
}

/** Whether a session is on (read after an await: a 401 meanwhile signs out). */
function signedInNow(): boolean {
  return state.session !== null;
}

/** Whether the counter choice is on screen (live updates repaint it). */
function pickerShown(): boolean {
  return state.session !== null && view() === 'desk' && !(state.counterId !== null && myCounter());
}

function myCounter(): Counter | undefined {
  return state.counters?.find((c) => c.id === state.counterId);
}

function serviceById(id: string): Service | undefined {
  return state.services.find((s) => s.id === id);
}

// ------------------------------------------------------------------ shell

let mainEl: HTMLElement;
let liveEl: HTMLElement;
let officeEl: HTMLElement;
let titleEl: HTMLElement;
let changeBtn: HTMLButtonElement;
let statusBanner: HTMLElement;
let alertsEl: HTMLElement;
let staffBar: HTMLElement;
let whoEl: HTMLElement;
let auditBtn: HTMLButtonElement;
let adminBtn: HTMLButtonElement;
let passwordBtn: HTMLButtonElement;
let signOutBtn: HTMLButtonElement;
let skipDialog: HTMLDialogElement | null = null;
let langBtn: ReturnType<typeof langButton>;
let repaintClock: () => void;
/** Repaints the desk in place (live updates); null while the picker is shown. */
let updateDesk: (() => void) | null = null;

function mountShell(root: HTMLElement): void {
  officeEl = h('p', { class: 'office-name', testid: 'office-name' });
  titleEl = h('p', { class: 'counter-title', testid: 'counter-title' });
  const time = h('time', { class: 'clock-time', testid: 'clock' });
  const date = h('span', { class: 'clock-date' });
  changeBtn = button(
    { class: 'btn btn-head', testid: 'btn-change-counter', onClick: showPicker },
    icon('back'),
    h('span', null),
  );
  langBtn = langButton(toggleLanguage);
  whoEl = h('p', { class: 'staff-who', testid: 'staff-who' });
  const nav = (hash: string, testid: string): HTMLButtonElement =>
    button({ class: 'btn btn-bar', testid, onClick: () => { go(hash); } }, h('span', null));
  auditBtn = nav('#audit', 'btn-audit');
  adminBtn = nav('#admin', 'btn-admin');
  passwordBtn = nav('#password', 'btn-password');
  signOutBtn = button({ class: 'btn btn-bar btn-sign-out', testid: 'btn-sign-out', onClick: () => void userSignOut() }, h('span', null));
  staffBar = h(
    'div',
    { class: 'staff-bar', testid: 'staff-bar', hidden: true },
    whoEl,
    h('nav', { class: 'staff-nav', 'aria-label': tr(S.staffBar) }, auditBtn, adminBtn, passwordBtn, signOutBtn),
  );
  statusBanner = h('p', { class: 'banner banner-offline', testid: 'live-status', role: 'status', hidden: true });
  // Always there and empty when all is well, so a new alert is read out as it appears.
  alertsEl = h('div', { class: 'device-alerts', testid: 'device-alerts', role: 'alert' });
  mainEl = h('main', { id: 'main', class: 'main', tabindex: -1 });
  liveEl = h('div', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true', testid: 'status' });
  root.replaceChildren(
    h(
      'header',
      { class: 'shell-head' },
      h(
        'div',
        { class: 'topbar' },
        h('div', { class: 'brand' }, emblem(), h('div', { class: 'brand-text' }, titleEl, officeEl)),
        h('p', { class: 'clock' }, time, date),
        changeBtn,
        langBtn.el,
      ),
      staffBar,
      statusBanner,
      alertsEl,
    ),
    mainEl,
    liveEl,
  );
  repaintClock = runClock(time, date, lang);
  updateShell();
}

function updateShell(): void {
  const c = myCounter();
  titleEl.textContent = c ? c.name : tr(T.counterPage);
  officeEl.textContent = state.officeName ?? tr(T.officeFallback);
  const s = state.session;
  changeBtn.hidden = s === null || state.counterId === null || view() !== 'desk';
  const label = changeBtn.querySelector('span');
  if (label) label.textContent = tr(T.changeCounter);
  staffBar.hidden = s === null;
  if (s) {
    whoEl.replaceChildren(
      h('span', { class: 'staff-who-label' }, `${tr(S.signedInAs)}: `),
      h('span', { class: 'staff-who-name' }, whoText(s.staff.full_name, s.staff.role, lang())),
    );
    auditBtn.hidden = !seesAudit(s.staff.role);
    adminBtn.hidden = s.staff.role !== 'admin';
    const v = view();
    const labels: [HTMLButtonElement, Text, View | null][] = [
      [auditBtn, S.auditNav, 'audit'],
      [adminBtn, S.adminNav, 'admin'],
      [passwordBtn, S.passwordTitle, 'password'],
      [signOutBtn, S.signOut, null],
    ];
    for (const [b, t, of] of labels) {
      const span = b.querySelector('span');
      if (span) span.textContent = tr(t);
      if (of !== null) {
        if (v === of) b.setAttribute('aria-current', 'page');
        else b.removeAttribute('aria-current');
      }
    }
    staffBar.querySelector('nav')?.setAttribute('aria-label', tr(S.staffBar));
  }
  langBtn.update();
  statusBanner.hidden = state.live !== 'reconnecting';
  statusBanner.textContent = tr(T.reconnecting);
  paintAlerts();
}

let paintedAlerts = '';

/** The devices' alerts, the current language first and the other below (newest first). */
function paintAlerts(): void {
  const list = [...state.devices.values()]
    .filter((d) => d.alert_vi !== null || d.alert_en !== null)
    .sort((a, b) => b.updated_at.localeCompare(a.updated_at) || a.device_id.localeCompare(b.device_id));
  const key = JSON.stringify([list.map((d) => [d.device_id, d.alert_vi, d.alert_en]), lang()]);
  if (key === paintedAlerts) return;
  paintedAlerts = key;
  if (list.length === 0) {
    alertsEl.replaceChildren();
    return;
  }
  const cur = lang();
  const other = otherLang();
  const text = (d: DeviceStatus, l: Lang): string => (l === 'vi' ? d.alert_vi : d.alert_en) ?? d.alert_vi ?? d.alert_en ?? '';
  alertsEl.replaceChildren(
    icon('warning', 'icon device-alerts-icon'),
    h(
      'div',
      { class: 'device-alerts-text' },
      h('p', { class: 'device-alerts-title' }, tr(T.deviceAlertsTitle)),
      h(
        'ul',
        { class: 'device-alerts-list', role: 'list' },
        list.map((d) =>
          h(
            'li',
            { class: 'device-alert', testid: `device-alert-${d.device_id}` },
            h('span', { class: 'device-alert-main' }, text(d, cur)),
            h('span', { class: 'device-alert-other', lang: other }, text(d, other)),
          ),
        ),
      ),
    ),
  );
}

function say(text: string): void {
  liveEl.textContent = '';
  window.setTimeout(() => {
    liveEl.textContent = text;
  }, 50);
}

function applyLanguage(l: Lang): void {
  setLang(l);
  setDocTitle(T.counterDocTitle);
}

function toggleLanguage(): void {
  applyLanguage(otherLang());
  store(LANG_KEY, lang());
  updateShell();
  repaintClock();
  render();
}

function focusHeading(): void {
  const heading = mainEl.querySelector<HTMLElement>('h1');
  if (!heading) return;
  heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
}

// ------------------------------------------------------------------ views

function render(): void {
  updateDesk = null;
  const s = state.session;
  const v = view();
  if (state.checking) {
    mainEl.replaceChildren(checkingScreen());
  } else if (s === null) {
    mainEl.replaceChildren(signInScreen({ notice: state.notice, onSignedIn: (x) => void signedIn(x) }));
  } else if (v === 'audit') {
    mainEl.replaceChildren(auditScreen(() => { go(''); }, renderIf('audit')));
  } else if (v === 'admin') {
    mainEl.replaceChildren(adminScreen(s.staff.username, () => { go(''); }, renderIf('admin')));
  } else if (v === 'password') {
    mainEl.replaceChildren(passwordScreen(() => { go(''); }));
  } else if (state.counterId !== null && myCounter()) {
    mainEl.replaceChildren(renderDesk());
  } else {
    mainEl.replaceChildren(renderPicker());
  }
  updateShell();
}

/** A repaint for a screen's late answers that does nothing once another screen is shown. */
function renderIf(v: View): () => void {
  return () => {
    if (state.session !== null && view() === v) render();
  };
}

/** Opens a view ('' the counter) by its hash (the browser's Back works). */
function go(hash: string): void {
  if (window.location.hash === hash || (hash === '' && window.location.hash === '')) {
    onHash();
    return;
  }
  window.location.hash = hash;
}

function onHash(): void {
  const v = view();
  if (v === 'audit') resetAudit();
  if (v === 'admin') resetAdmin();
  if (v === 'password') resetPasswordScreen();
  skipDialog?.close();
  state.transferOpen = false;
  render();
  focusHeading();
}

let live: Live | null = null;

/** Signed in (the form, or a reload that kept its session). */
async function signedIn(s: StaffSession): Promise<void> {
  state.session = s;
  state.checking = false;
  state.notice = null;
  state.pickError = null;
  state.error = null;
  state.counterId = s.counter_id;
  render();
  focusHeading();
  live ??= startLive({ snapshot: onSnapshot, event: onEvent, status: onStatus, device: onDevice });
  await loadCounters();
  const fromUrl = new URLSearchParams(window.location.search).get('counter');
  if (fromUrl && fromUrl !== s.counter_id && state.counters?.some((c) => c.id === fromUrl)) await pick(fromUrl);
  else if (state.counterId !== null) void loadSkipped();
  void loadDevices();
}

/** Back to the sign-in screen, forgetting everything the session showed. */
function signedOut(notice: Text | null): void {
  setCsrfToken(null);
  state.session = null;
  state.checking = false;
  state.notice = notice;
  state.counterId = null;
  state.error = null;
  state.pickError = null;
  state.transferOpen = false;
  state.skipped = [];
  state.skippedFor = null;
  state.devices = new Map();
  resetAudit();
  resetAdmin();
  resetPasswordScreen();
  if (skipDialog) {
    skipDialog.close();
    skipDialog.remove();
    skipDialog = null;
  }
  if (window.location.hash) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  render();
  mainEl.querySelector<HTMLElement>('#signin-username')?.focus();
}

async function userSignOut(): Promise<void> {
  try {
    await signOut();
  } catch {
    // Signed out here whatever the server said; the cookie ends with its idle time at worst.
  }
  signedOut(S.signedOut);
}

function showPicker(): void {
  state.counterId = null;
  state.transferOpen = false;
  state.error = null;
  render();
  focusHeading();
  void loadCounters();
}

/** Chooses the counter: the session is bound to it from now on. */
async function pick(id: string): Promise<void> {
  if (state.choosing) return;
  state.choosing = true;
  state.pickError = null;
  render();
  try {
    const s = await chooseCounter(id);
    state.session = s;
    state.counterId = s.counter_id ?? id;
    state.error = null;
    state.transferOpen = false;
    store(COUNTER_KEY, id);
  } catch (e) {
    // A 401 has already shown the sign-in screen.
    if (signedInNow()) state.pickError = toCommandError(e);
  } finally {
    state.choosing = false;
  }
  if (!signedInNow() || view() !== 'desk') return;
  render();
  if (state.pickError) mainEl.querySelector<HTMLElement>('[data-testid=pick-error]')?.focus();
  else focusHeading();
  void loadSkipped();
}

/** The bilingual error box, with a title and what to do for a wrong counter. */
function deskError(err: CommandError, testid?: string): HTMLElement {
  return errorCode(err) === 'wrong_counter'
    ? errorBox(err, { title: S.wrongCounterTitle, help: S.wrongCounterHelp, testid })
    : errorBox(err, { testid });
}

function servicesLine(c: Counter): string {
  return c.service_ids
    .map((id) => serviceById(id))
    .filter((s): s is Service => s !== undefined)
    .map((s) => `${s.prefix} · ${serviceName(s)}`)
    .join(', ');
}

function renderPicker(): HTMLElement {
  const parts: Node[] = [];
  if (state.pickError !== null) {
    const box = deskError(state.pickError, 'pick-error');
    box.tabIndex = -1;
    parts.push(box);
  }
  if (state.choosing) parts.push(h('p', { class: 'lead muted', role: 'status' }, tr(S.choosing)));
  if (state.countersError !== null) {
    parts.push(
      errorBox(state.countersError, {
        extra: button(
          {
            class: 'btn btn-secondary',
            testid: 'btn-retry',
            onClick: () => {
              state.countersError = null;
              render();
              void loadCounters();
            },
          },
          tr(T.retry),
        ),
      }),
    );
  }
  if (state.counters === null && state.countersError === null) {
    parts.push(h('p', { class: 'lead muted', role: 'status' }, tr(T.countersLoading)));
  } else if (state.counters !== null && state.counters.length === 0) {
    parts.push(h('p', { class: 'lead' }, tr(T.countersEmpty)));
  }
  const remembered = stored(COUNTER_KEY);
  if (state.counters && state.counters.length > 0) {
    parts.push(
      h(
        'ul',
        { class: 'pick-grid', role: 'list' },
        state.counters.map((c) =>
          h(
            'li',
            null,
            button(
              {
                class: 'btn pick',
                testid: `counter-pick-${c.id}`,
                'aria-current': c.id === remembered ? 'true' : undefined,
                disabled: state.choosing,
                onClick: () => {
                  void pick(c.id);
                },
              },
              h('span', { class: 'pick-number', 'aria-hidden': 'true' }, String(c.number)),
              h(
                'span',
                { class: 'pick-text' },
                h('span', { class: 'pick-name' }, c.name),
                h('span', { class: 'pick-services' }, servicesLine(c)),
              ),
              icon('chevron', 'icon pick-chevron'),
            ),
          ),
        ),
      ),
    );
  }
  return h(
    'section',
    { class: 'screen counter-picker', 'data-screen': 'counter-picker' },
    h('div', { class: 'screen-body' }, h('h1', null, tr(T.pickTitle)), h('p', { class: 'lead' }, tr(T.pickLead)), ...parts),
  );
}

interface ActionDef {
  action: CounterAction;
  testid: string;
  text: Text;
  key: string;
  cls: string;
  needsCurrent: boolean;
}

const ACTIONS: readonly ActionDef[] = [
  { action: 'call-next', testid: 'btn-call-next', text: T.callNext, key: 'G', cls: 'btn-primary act-next', needsCurrent: false },
  { action: 'recall', testid: 'btn-recall', text: T.recall, key: 'L', cls: 'act', needsCurrent: true },
  { action: 'skip', testid: 'btn-skip', text: T.skip, key: 'B', cls: 'act', needsCurrent: true },
  { action: 'transfer', testid: 'btn-transfer', text: T.transfer, key: 'C', cls: 'act', needsCurrent: true },
  { action: 'complete', testid: 'btn-complete', text: T.complete, key: 'H', cls: 'act act-complete', needsCurrent: true },
];

function renderDesk(): HTMLElement {
  const numberEl = h('p', { class: 'current-number', testid: 'current-number' });
  const serviceEl = h('p', { class: 'current-service', testid: 'current-service' });
  const extraEl = h('p', { class: 'current-extra', testid: 'current-priority' });
  const servedEl = h('p', { class: 'served-today', testid: 'served-today' });
  const errorSlot = h('div', { class: 'error-slot' });
  const busyEl = h('p', { class: 'desk-busy', role: 'status' });

  const buttons = new Map<CounterAction, HTMLButtonElement>();
  for (const a of ACTIONS) {
    buttons.set(
      a.action,
      button(
        {
          class: `btn ${a.cls}`,
          testid: a.testid,
          'aria-keyshortcuts': a.key,
          onClick: () => {
            onAction(a.action);
          },
        },
        h('span', { class: 'act-label' }, tr(a.text)),
        h('kbd', { class: 'key-hint', 'aria-hidden': 'true' }, a.key),
      ),
    );
  }
  const [next, ...rest] = ACTIONS.map((a) => buttons.get(a.action));
  const actionsEl = h(
    'div',
    { class: 'actions', role: 'group', 'aria-label': tr(T.actions) },
    next,
    h('div', { class: 'actions-row' }, ...rest),
  );
  const transferEl = h('div', { class: 'transfer', testid: 'transfer-panel', hidden: true });

  // Any waiting or skipped number of today, typed from the ticket the citizen shows.
  const numberInput = h('input', {
    id: 'call-number-input',
    class: 'call-number-input',
    testid: 'call-number-input',
    type: 'text',
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    maxlength: 32,
    placeholder: 'A012',
    'aria-describedby': 'call-number-help',
  });
  const numberBtn = h(
    'button',
    { type: 'submit', class: 'btn call-number-btn', testid: 'btn-call-number' },
    tr(T.callNumberButton),
  );
  const callForm = h(
    'form',
    { class: 'call-number', testid: 'call-number-form', novalidate: true },
    h(
      'label',
      { class: 'call-number-label', for: 'call-number-input' },
      h('span', { class: 'call-number-title' }, tr(T.callNumberTitle)),
      h('span', { id: 'call-number-help', class: 'call-number-help' }, tr(T.callNumberHelp)),
    ),
    h('div', { class: 'call-number-row' }, numberInput, numberBtn),
  );
  callForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const typed = numberInput.value.trim();
    if (!typed) {
      numberInput.focus();
      return;
    }
    void callByNumber(typed).then((ok) => {
      if (ok) numberInput.value = '';
    });
  });

  const skippedList = h('div', { class: 'skipped-body' });
  const skippedCount = h('span', { class: 'skipped-count', testid: 'skipped-count' });

  const queueList = h('ul', { class: 'queue-list', role: 'list' });

  const root = h(
    'section',
    { class: 'screen desk', 'data-screen': 'counter' },
    h(
      'div',
      { class: 'desk-main' },
      h(
        'section',
        { class: 'current-card', 'aria-labelledby': 'current-title' },
        h('h1', { id: 'current-title', class: 'current-title' }, tr(T.serving)),
        numberEl,
        serviceEl,
        extraEl,
      ),
      actionsEl,
      callForm,
      transferEl,
      // Below the buttons, so an error never moves a button from under a finger.
      errorSlot,
      busyEl,
    ),
    h(
      'aside',
      { class: 'desk-side', 'aria-label': `${tr(T.skippedTitle)}, ${tr(T.queuesTitle)}` },
      h(
        'section',
        { class: 'skipped', testid: 'skipped-panel', 'aria-labelledby': 'skipped-title' },
        h('h2', { id: 'skipped-title' }, tr(T.skippedTitle), ' ', skippedCount),
        skippedList,
      ),
      h('h2', { id: 'queues-title' }, tr(T.queuesTitle)),
      queueList,
      servedEl,
    ),
  );

  let shownError: CommandError | null = null;
  let shownQueues = '';
  let shownTransfer = '';
  let shownSkipped = '';

  updateDesk = (): void => {
    const c = myCounter();
    if (!c) return;
    const cur = c.current;
    numberEl.textContent = cur ? cur.number : '—';
    numberEl.classList.toggle('is-empty', !cur);
    serviceEl.textContent = cur ? ticketServiceName(cur, serviceById(cur.service_id)) : tr(T.noCurrent);
    extraEl.textContent = cur ? priorityLine(cur.priority) : tr(T.noCurrentHelp);
    extraEl.classList.toggle('is-priority', !!cur && cur.priority !== 'none');
    servedEl.textContent = servedTodayText(c.served_today);

    for (const a of ACTIONS) {
      const b = buttons.get(a.action);
      if (b) b.disabled = state.busy !== null || (a.needsCurrent && !cur) || (state.transferOpen && a.action !== 'transfer');
    }
    buttons.get('transfer')?.setAttribute('aria-expanded', String(state.transferOpen));
    // The transfer choice takes the buttons' place (they are all off meanwhile).
    actionsEl.hidden = state.transferOpen && !!cur;
    callForm.hidden = actionsEl.hidden;
    numberBtn.disabled = state.busy !== null;

    const mineSkipped = state.skippedFor === c.id ? state.skipped : [];
    const skey = JSON.stringify([mineSkipped.map((t) => [t.id, t.number, t.service_id]), state.busy !== null, lang()]);
    if (skey !== shownSkipped) {
      shownSkipped = skey;
      skippedCount.textContent = mineSkipped.length > 0 ? `(${mineSkipped.length})` : '';
      skippedList.replaceChildren(
        ...(mineSkipped.length === 0
          ? [h('p', { class: 'skipped-none', testid: 'skipped-none' }, tr(T.skippedNone))]
          : [
              h('p', { class: 'skipped-help' }, tr(T.skippedHelp)),
              h('ul', { class: 'skipped-list', role: 'list' }, mineSkipped.map(skippedItem)),
            ]),
      );
    }
    busyEl.textContent = state.busy ? tr(T.sending) : '';

    if (state.error !== shownError) {
      shownError = state.error;
      errorSlot.replaceChildren(...(state.error ? [deskError(state.error)] : []));
    }

    // Queues: this counter's services first, highlighted.
    const mine = new Set(c.service_ids);
    const list = [...state.services].sort((a, b) => Number(mine.has(b.id)) - Number(mine.has(a.id)));
    const key = JSON.stringify([list, c.service_ids, lang()]);
    if (key !== shownQueues) {
      shownQueues = key;
      queueList.replaceChildren(...list.map((s) => queueItem(s, mine.has(s.id))));
    }

    const tkey = JSON.stringify([state.transferOpen, cur?.id, cur?.service_id, state.services.map((s) => s.id), lang()]);
    if (tkey !== shownTransfer) {
      shownTransfer = tkey;
      transferEl.hidden = !state.transferOpen || !cur;
      transferEl.replaceChildren(...(state.transferOpen && cur ? transferContent(cur) : []));
    }
  };
  updateDesk();
  return root;
}

function skippedItem(t: Ticket): HTMLElement {
  return h(
    'li',
    { class: 'skipped-item', testid: `skipped-${t.number}` },
    h(
      'span',
      { class: 'skipped-text' },
      h('span', { class: 'skipped-number' }, t.number),
      h('span', { class: 'skipped-service' }, ticketServiceName(t, serviceById(t.service_id))),
    ),
    button(
      {
        class: 'btn skipped-call',
        testid: `btn-call-skipped-${t.number}`,
        'aria-label': callSkippedLabel(t.number),
        disabled: state.busy !== null,
        onClick: () => {
          void callByNumber(t.number);
        },
      },
      tr(T.callSkipped),
    ),
  );
}

function queueItem(s: Service, mine: boolean): HTMLElement {
  return h(
    'li',
    { class: `queue${mine ? ' queue-mine' : ''}`, testid: `queue-${s.id}`, 'data-mine': mine ? 'true' : 'false' },
    h('span', { class: 'queue-prefix', 'aria-hidden': 'true' }, s.prefix),
    h(
      'span',
      { class: 'queue-text' },
      h('span', { class: 'queue-name' }, serviceName(s)),
      h(
        'span',
        { class: 'queue-meta' },
        mine ? h('span', { class: 'queue-tag' }, tr(T.servedHere)) : null,
        h('span', null, waitMinutesShort(s.estimated_wait_minutes)),
      ),
    ),
    h(
      'span',
      { class: 'queue-count', testid: `queue-count-${s.id}` },
      h('span', { class: 'queue-n' }, String(s.waiting)),
      h('span', { class: 'queue-unit' }, tr(T.waitingTitle).toLowerCase()),
    ),
  );
}

function transferContent(cur: Ticket): Node[] {
  const targets = state.services.filter((s) => s.id !== cur.service_id);
  return [
    h('h2', { id: 'transfer-title', class: 'transfer-title' }, transferTitle(cur.number)),
    targets.length === 0
      ? h('p', { class: 'lead' }, tr(T.transferNone))
      : h(
          'ul',
          { class: 'transfer-grid', role: 'list', 'aria-labelledby': 'transfer-title' },
          targets.map((s, i) =>
            h(
              'li',
              null,
              button(
                {
                  class: 'btn transfer-target',
                  testid: `transfer-${s.id}`,
                  'aria-keyshortcuts': i < 9 ? String(i + 1) : undefined,
                  disabled: state.busy !== null,
                  onClick: () => {
                    void act('transfer', { service_id: s.id });
                  },
                },
                h('span', { class: 'svc-prefix-sm', 'aria-hidden': 'true' }, s.prefix),
                h('span', { class: 'transfer-name' }, serviceName(s)),
                i < 9 ? h('kbd', { class: 'key-hint', 'aria-hidden': 'true' }, String(i + 1)) : null,
              ),
            ),
          ),
        ),
    button(
      {
        class: 'btn btn-cancel',
        testid: 'btn-transfer-cancel',
        'aria-keyshortcuts': 'Escape',
        onClick: closeTransfer,
      },
      h('span', null, tr(T.cancel)),
      h('kbd', { class: 'key-hint', 'aria-hidden': 'true' }, 'Esc'),
    ),
  ];
}

function closeTransfer(): void {
  state.transferOpen = false;
  updateDesk?.();
  mainEl.querySelector<HTMLElement>('[data-testid="btn-transfer"]')?.focus();
}

// ------------------------------------------------------------------ actions

function onAction(action: CounterAction): void {
  if (action === 'skip') {
    const cur = myCounter()?.current;
    // Skipped at once only after one "Gọi lại"; otherwise asked first.
    if (cur && !state.recalled.has(cur.id)) {
      openSkipConfirm(cur);
      return;
    }
  }
  if (action === 'transfer') {
    state.transferOpen = !state.transferOpen;
    state.error = null;
    updateDesk?.();
    if (state.transferOpen) {
      mainEl.querySelector<HTMLElement>('.transfer-target, .btn-cancel')?.focus({ preventScroll: true });
    }
    return;
  }
  void act(action, {});
}

async function act(action: CounterAction, extra: { service_id?: string; ticket_id?: string }): Promise<void> {
  const c = myCounter();
  if (!c || state.busy !== null) return;
  const cur = c.current;
  const body = action === 'call-next' ? {} : { ...(cur ? { ticket_id: cur.id } : {}), ...extra };
  state.busy = action;
  state.error = null;
  updateDesk?.();
  try {
    const r = await counterAction(c.id, action, body);
    replaceCounter(r.counter);
    state.transferOpen = false;
    const now = myCounter()?.current;
    if ((action === 'call-next' || action === 'recall') && now) say(calledText(now.number));
    if (action === 'recall') state.recalled.add(r.ticket.id);
    if (action === 'skip') {
      addSkipped(r.ticket);
      say(skippedText(r.ticket.number));
    }
  } catch (e) {
    state.error = toCommandError(e);
    live?.refresh();
  } finally {
    state.busy = null;
    updateDesk?.();
  }
}

/** Calls a typed or listed number at this counter; true if it was called. */
async function callByNumber(number: string): Promise<boolean> {
  const c = myCounter();
  if (!c || state.busy !== null) return false;
  state.busy = 'call-next';
  state.error = null;
  updateDesk?.();
  try {
    const r = await callNumber(c.id, number);
    replaceCounter(r.counter);
    state.transferOpen = false;
    dropSkipped(r.ticket.id);
    say(calledText(r.ticket.number));
    return true;
  } catch (e) {
    state.error = toCommandError(e);
    live?.refresh();
    return false;
  } finally {
    state.busy = null;
    updateDesk?.();
  }
}

function openSkipConfirm(cur: Ticket): void {
  skipDialog?.remove();
  const other = otherLang();
  const back = button(
    { class: 'btn btn-primary confirm-btn', testid: 'skip-confirm-back', autofocus: true },
    tr(T.skipConfirmBack),
  );
  const go = button({ class: 'btn btn-danger-outline confirm-btn', testid: 'skip-confirm-go' }, tr(T.skip));
  const dialog = h(
    'dialog',
    { class: 'confirm', testid: 'skip-confirm', 'aria-labelledby': 'skip-confirm-title', 'aria-describedby': 'skip-confirm-body' },
    h('h2', { id: 'skip-confirm-title', class: 'confirm-title' }, skipConfirmTitle(cur.number)),
    h('p', { id: 'skip-confirm-body', class: 'confirm-body' }, tr(T.skipConfirmBody)),
    h('p', { class: 'confirm-other', lang: other }, `${skipConfirmTitle(cur.number, other)} ${T.skipConfirmBody[other]}`),
    h('div', { class: 'confirm-actions' }, back, go),
  );
  const close = (): void => {
    if (dialog.open) dialog.close();
    dialog.remove();
    if (skipDialog === dialog) skipDialog = null;
    mainEl.querySelector<HTMLElement>('[data-testid="btn-skip"]')?.focus();
  };
  back.addEventListener('click', close);
  // Esc is "not yet".
  dialog.addEventListener('cancel', (ev) => {
    ev.preventDefault();
    close();
  });
  go.addEventListener('click', () => {
    close();
    void act('skip', { ticket_id: cur.id });
  });
  document.body.appendChild(dialog);
  skipDialog = dialog;
  dialog.showModal();
  back.focus();
}

function addSkipped(t: Ticket): void {
  const c = myCounter();
  if (!c || state.skippedFor !== c.id || !c.service_ids.includes(t.service_id)) return;
  state.skipped = [t, ...state.skipped.filter((x) => x.id !== t.id)];
}

function dropSkipped(ticketId: string): void {
  state.skipped = state.skipped.filter((x) => x.id !== ticketId);
}

let skippedLoad = 0;

/** Reloads the chosen counter's skipped numbers. */
async function loadSkipped(): Promise<void> {
  const id = state.counterId;
  if (id === null || state.session === null) return;
  const mine = ++skippedLoad;
  try {
    const list = await fetchSkipped(id);
    if (mine !== skippedLoad || state.counterId !== id) return;
    state.skipped = list;
    state.skippedFor = id;
    updateDesk?.();
  } catch {
    // Kept as it was; the next snapshot tries again.
  }
}

let devicesLoad = 0;

async function loadDevices(): Promise<void> {
  if (state.session === null) return;
  const mine = ++devicesLoad;
  try {
    const list = await fetchDevices();
    if (mine !== devicesLoad) return;
    state.devices = new Map(list.map((d) => [d.device_id, d]));
    paintAlerts();
  } catch {
    // Kept as it was; the next snapshot tries again.
  }
}

function onDevice(d: DeviceStatus): void {
  // A newer list load must not put back what this event changed.
  devicesLoad++;
  state.devices.set(d.device_id, d);
  paintAlerts();
}

function replaceCounter(c: Counter): void {
  if (!state.counters) return;
  state.counters = state.counters.map((x) => (x.id === c.id ? { ...x, ...c, service_ids: c.service_ids.length ? c.service_ids : x.service_ids } : x));
}

function onKey(ev: KeyboardEvent): void {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) return;
  if (state.counterId === null || !updateDesk || view() !== 'desk') return;
  // The confirmation has its own keys (Tab, Enter, Esc).
  if (skipDialog?.open) return;
  const target = ev.target as HTMLElement | null;
  if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
  if (ev.key === 'Escape' && state.transferOpen) {
    ev.preventDefault();
    closeTransfer();
    return;
  }
  if (state.transferOpen && /^[1-9]$/.test(ev.key)) {
    const i = Number(ev.key) - 1;
    const b = Array.from(mainEl.querySelectorAll<HTMLButtonElement>('.transfer-target')).find((_, k) => k === i);
    if (b && !b.disabled) {
      ev.preventDefault();
      b.click();
    }
    return;
  }
  const a = ACTIONS.find((x) => x.key === ev.key.toUpperCase());
  if (!a) return;
  const b = mainEl.querySelector<HTMLButtonElement>(`[data-testid="${a.testid}"]`);
  if (b && !b.disabled) {
    ev.preventDefault();
    b.click();
  }
}

// ------------------------------------------------------------------ live data

async function loadCounters(): Promise<void> {
  if (state.session === null) return;
  try {
    const list = await fetchCounters();
    state.counters = list.sort((a, b) => a.number - b.number);
    state.countersError = null;
  } catch (e) {
    state.countersError = toCommandError(e);
  }
  if (state.counterId !== null && state.counters && !myCounter()) {
    // The remembered counter no longer exists.
    state.counterId = null;
    store(COUNTER_KEY, null);
  }
  if (!signedInNow()) return;
  if (updateDesk && myCounter()) updateDesk();
  else if (view() === 'desk' && !state.choosing) render();
}

function onSnapshot(s: BoardSnapshot): void {
  state.officeName = s.office_name;
  if (s.services.length > 0) state.services = s.services;
  if (state.counters && s.counters.length > 0) {
    for (const sc of s.counters) {
      const known = state.counters.find((c) => c.id === sc.id);
      if (known) replaceCounter({ ...known, current: sc.current, served_today: sc.served_today || known.served_today });
    }
  }
  updateShell();
  if (updateDesk) updateDesk();
  else if (pickerShown() && !state.choosing) render();
  // Each snapshot (connect, reconnect, the 30 s check) also reloads what events do not replay.
  void loadSkipped();
  void loadDevices();
}

function onEvent(e: QueueEvent, covered: boolean): void {
  if (covered) return;
  for (const s of state.services) {
    const n = e.waiting[s.id];
    if (n !== undefined) s.waiting = n;
  }
  if (e.type === 'skipped') addSkipped(e.ticket);
  else if (e.type === 'called') dropSkipped(e.ticket.id);
  const mine = myCounter();
  if (e.type === 'recalled' && e.counter?.id === mine?.id) state.recalled.add(e.ticket.id);
  const c = state.counters?.find((x) => x.id === e.counter?.id) ?? state.counters?.find((x) => x.current?.id === e.ticket.id);
  if (c) {
    if (e.type === 'called' || e.type === 'recalled') {
      if (e.counter?.id === c.id) replaceCounter({ ...c, current: e.ticket });
    } else if (e.type !== 'issued' && c.current?.id === e.ticket.id) {
      replaceCounter({ ...c, current: null, served_today: c.served_today + (e.type === 'completed' ? 1 : 0) });
    }
  }
  updateDesk?.();
}

function onStatus(s: LiveStatus): void {
  state.live = s;
  updateShell();
}

// ------------------------------------------------------------------ start

applyLanguage(stored(LANG_KEY) === 'en' ? 'en' : 'vi');
const root = document.getElementById('app');
if (root) mountShell(root);
// Idle expiry, signed out elsewhere, an account disabled: any 401 ends the session here.
onUnauthorized(() => {
  if (state.session !== null) signedOut(S.sessionExpired);
});
render();
window.addEventListener('keydown', onKey);
window.addEventListener('hashchange', onHash);
restoreSession().then(
  (s) => {
    if (s) {
      void signedIn(s);
    } else {
      state.checking = false;
      render();
      mainEl.querySelector<HTMLElement>('#signin-username')?.focus();
    }
  },
  () => {
    // Unreachable: the sign-in form says so when it is used.
    state.checking = false;
    render();
  },
);
