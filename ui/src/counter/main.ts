// Counter page (/counter): staff pick their counter once (remembered on this computer), then
// call, recall, skip, transfer and complete numbers, with the queues kept live over SSE.
// Runs in an ordinary browser against the office server at the same origin; no Tauri.

import '../styles/fonts.css';
import '../styles/base.css';
import '../styles/counter.css';

import { button, h, icon } from '../dom';
import { errorBox } from '../errors';
import {
  T,
  calledText,
  otherLang,
  priorityLine,
  servedTodayText,
  serviceName,
  setDocTitle,
  setLang,
  ticketServiceName,
  tr,
  transferTitle,
  waitMinutesShort,
  lang,
  type Text,
} from '../i18n';
import { type LiveStatus, startLive } from '../live';
import { type CounterAction, counterAction, fetchCounters } from '../office';
import type {
  BoardWire as BoardSnapshot,
  CounterWire as Counter,
  EventWire as QueueEvent,
} from '../wire';
import { emblem, langButton, runClock } from '../shell';
import { type CommandError, type Lang, type Service, type Ticket, toCommandError } from '../wire';

const COUNTER_KEY = 'motcua.counter';
const LANG_KEY = 'motcua.counter.lang';

interface State {
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
}

const state: State = {
  counters: null,
  countersError: null,
  counterId: null,
  services: [],
  officeName: null,
  busy: null,
  error: null,
  transferOpen: false,
  live: 'connecting',
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
  statusBanner = h('p', { class: 'banner banner-offline', testid: 'live-status', role: 'status', hidden: true });
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
      statusBanner,
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
  changeBtn.hidden = state.counterId === null;
  const label = changeBtn.querySelector('span');
  if (label) label.textContent = tr(T.changeCounter);
  langBtn.update();
  statusBanner.hidden = state.live !== 'reconnecting';
  statusBanner.textContent = tr(T.reconnecting);
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
  if (state.counterId !== null && myCounter()) {
    mainEl.replaceChildren(renderDesk());
  } else {
    mainEl.replaceChildren(renderPicker());
  }
  updateShell();
}

function showPicker(): void {
  state.counterId = null;
  state.transferOpen = false;
  state.error = null;
  render();
  focusHeading();
  void loadCounters();
}

function pick(id: string): void {
  state.counterId = id;
  state.error = null;
  state.transferOpen = false;
  store(COUNTER_KEY, id);
  render();
  focusHeading();
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
                onClick: () => {
                  pick(c.id);
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
      transferEl,
      // Below the buttons, so an error never moves a button from under a finger.
      errorSlot,
      busyEl,
    ),
    h(
      'aside',
      { class: 'desk-side', 'aria-labelledby': 'queues-title' },
      h('h2', { id: 'queues-title' }, tr(T.queuesTitle)),
      queueList,
      servedEl,
    ),
  );

  let shownError: CommandError | null = null;
  let shownQueues = '';
  let shownTransfer = '';

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
    busyEl.textContent = state.busy ? tr(T.sending) : '';

    if (state.error !== shownError) {
      shownError = state.error;
      errorSlot.replaceChildren(...(state.error ? [errorBox(state.error)] : []));
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

async function act(action: CounterAction, extra: { service_id?: string }): Promise<void> {
  const c = myCounter();
  if (!c || state.busy !== null) return;
  const cur = c.current;
  const body = action === 'call-next' ? {} : { ...extra, ...(cur ? { ticket_id: cur.id } : {}) };
  state.busy = action;
  state.error = null;
  updateDesk?.();
  try {
    const r = await counterAction(c.id, action, body);
    replaceCounter(r.counter);
    state.transferOpen = false;
    const now = myCounter()?.current;
    if ((action === 'call-next' || action === 'recall') && now) say(calledText(now.number));
  } catch (e) {
    state.error = toCommandError(e);
    live.refresh();
  } finally {
    state.busy = null;
    updateDesk?.();
  }
}

function replaceCounter(c: Counter): void {
  if (!state.counters) return;
  state.counters = state.counters.map((x) => (x.id === c.id ? { ...x, ...c, service_ids: c.service_ids.length ? c.service_ids : x.service_ids } : x));
}

function onKey(ev: KeyboardEvent): void {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) return;
  if (state.counterId === null || !updateDesk) return;
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
  if (updateDesk && myCounter()) updateDesk();
  else render();
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
  else if (state.counterId === null) render();
}

function onEvent(e: QueueEvent, covered: boolean): void {
  if (covered) return;
  for (const s of state.services) {
    const n = e.waiting[s.id];
    if (n !== undefined) s.waiting = n;
  }
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
const fromUrl = new URLSearchParams(window.location.search).get('counter');
state.counterId = fromUrl ?? stored(COUNTER_KEY);
if (fromUrl) store(COUNTER_KEY, fromUrl);
render();
window.addEventListener('keydown', onKey);
const live = startLive({ snapshot: onSnapshot, event: onEvent, status: onStatus });
void loadCounters();
