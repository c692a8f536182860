// App shell, state, the router (a history stack), the idle timer and the kiosk guards.

import type { AssistStaff, CommandError, IssuedTicket, KioskInfo, Lang, Service, SubmitResult } from './api';
import { button, h, icon } from './dom';
import { T, assistingText, idleText, lang, otherLang, setLang, tr } from './i18n';
import { emblem, langButton, runClock } from './shell';

/** The home screen's tiles: only what is built (tracking, rating and feedback come with their issues). */
export type TileName = 'vneid' | 'procedures';

export type Route =
  | { name: 'home' }
  | { name: 'priority'; service: Service; busy: boolean; error: CommandError | null }
  | { name: 'ticket'; issued: IssuedTicket; service: Service | undefined; reprintTries?: number }
  | { name: 'procedures'; q: string; field: string | null; online: boolean; keyboard: boolean; pick?: boolean }
  | { name: 'procedure'; code: string }
  | { name: 'file-start'; code: string | null; procName: string; serviceId?: string | null }
  | { name: 'signin' }
  | { name: 'file-step'; index: number }
  | { name: 'file-docs' }
  | { name: 'file-delivery' }
  | { name: 'file-review' }
  | { name: 'file-done'; result: SubmitResult }
  | { name: 'file-leave' }
  | {
      name: 'staff';
      username: string;
      password: string;
      field: 'username' | 'password';
      busy: boolean;
      error: CommandError | null;
    }
  | { name: 'staff-enroll'; code: string; busy: boolean; error: CommandError | null; done?: boolean }
  | { name: 'staff-pin'; pin: string; busy: boolean; error: CommandError | null }
  | { name: 'staff-menu'; busy: boolean; error: CommandError | null };

export type RouteName = Route['name'];

export interface Screen {
  root: HTMLElement;
  /** Called when the screen is left or re-rendered (stop timers here). */
  cleanup?: () => void;
  /** Seconds without activity before going home; default: kiosk_info.idle_timeout_secs. */
  idleSecs?: number;
  /** Never goes home by itself (a ticket the printer failed to print stays in sight). */
  stay?: boolean;
}

export type ScreenRenderer = (route: Route) => Screen;

export interface AppState {
  info: KioskInfo | null;
  services: Service[] | null;
  servicesError: CommandError | null;
  online: boolean;
  /** The staff member assisting at the kiosk now (staff assist mode), and their idle timeout. */
  assist: { staff: AssistStaff; idleSecs: number } | null;
}

export const state: AppState = {
  info: null,
  services: null,
  servicesError: null,
  online: true,
  assist: null,
};

const DEFAULT_IDLE_SECS = 90;
const HOME: Route = { name: 'home' };

let stack: Route[] = [HOME];
let renderers: Partial<Record<RouteName, ScreenRenderer>> = {};
let screen: Screen | null = null;

// Shell elements, made once.
let mainEl: HTMLElement;
let liveEl: HTMLElement;
let officeEl: HTMLElement;
let langBtn: { el: HTMLButtonElement; update: () => void };
let demoEl: HTMLElement;
let offlineEl: HTMLElement;
let assistEl: HTMLElement;
let assistName: HTMLElement;
let assistEndBtn: HTMLButtonElement;
/** What the assist bar's button does (screens/staff.ts sets it: the end of assist). */
let onAssistEnd: () => void = () => undefined;
let clockTime: HTMLElement;
let clockDate: HTMLElement;
let shellMounted = false;

export function registerScreens(map: Partial<Record<RouteName, ScreenRenderer>>): void {
  renderers = map;
}

export function current(): Route {
  return stack[stack.length - 1] ?? HOME;
}

/** Go forward to a new screen. `replace` swaps the current one (no way back to it). */
export function navigate(route: Route, opts: { replace?: boolean; resetTo?: Route[] } = {}): void {
  if (opts.resetTo) stack = [...opts.resetTo];
  else if (opts.replace && stack.length > 1) stack.pop();
  stack.push(route);
  show(true);
}

export function back(): void {
  if (stack.length > 1) stack.pop();
  show(true);
}

const homeHooks: (() => void)[] = [];

/** Runs whenever the kiosk goes home (a visitor's session ends there). */
export function onGoHome(hook: () => void): void {
  homeHooks.push(hook);
}

/** Home, with every bit of a visitor's state dropped. */
export function goHome(resetLanguage = false): void {
  hideIdleWarning();
  for (const hook of homeHooks) hook();
  stack = [HOME];
  if (resetLanguage && state.info && lang() !== state.info.language) {
    applyLanguage(state.info.language);
  }
  show(true);
}

/** Re-render the current screen in place (after a language change or a state change). */
export function rerender(): void {
  show(false);
}

function show(moved: boolean): void {
  screen?.cleanup?.();
  const route = current();
  const render = renderers[route.name];
  if (!render) return;
  const focusWasInMain = mainEl.contains(document.activeElement);
  screen = render(route);
  screen.root.dataset.screen = route.name;
  mainEl.replaceChildren(screen.root);
  mainEl.scrollTop = 0;
  resetIdle();
  if (moved || focusWasInMain) {
    const heading = screen.root.querySelector<HTMLElement>('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
      if (moved) announce(heading.textContent);
    }
  }
}

/** Say something politely to screen-reader users (status changes). */
export function announce(text: string | null): void {
  if (!text) return;
  // Clear first so repeating the same text is announced again.
  liveEl.textContent = '';
  window.setTimeout(() => {
    liveEl.textContent = text;
  }, 50);
}

// ---------------------------------------------------------------- shell

export function mountShell(root: HTMLElement): void {
  officeEl = h('p', { class: 'office-name', testid: 'office-name' }, tr(T.officeFallback));
  clockTime = h('time', { class: 'clock-time', testid: 'clock' });
  clockDate = h('span', { class: 'clock-date' });
  langBtn = langButton(toggleLanguage);
  demoEl = h('p', { class: 'banner banner-demo', testid: 'demo-sign', hidden: true });
  offlineEl = h('p', { class: 'banner banner-offline', testid: 'offline-sign', hidden: true });
  assistName = h('p', { class: 'assist-name', testid: 'assist-name' });
  assistEndBtn = button(
    {
      class: 'btn btn-secondary assist-end',
      testid: 'assist-end',
      onClick: () => {
        onAssistEnd();
      },
    },
    tr(T.assistEnd),
  );
  assistEl = h(
    'div',
    { class: 'assist-bar', testid: 'assist-bar', role: 'region', 'aria-label': tr(T.assisting), hidden: true },
    assistName,
    assistEndBtn,
  );
  mainEl = h('main', { id: 'main', class: 'main', tabindex: -1 });
  liveEl = h('div', {
    class: 'visually-hidden',
    'aria-live': 'polite',
    'aria-atomic': 'true',
    testid: 'status',
  });

  const header = h(
    'header',
    { class: 'shell-head' },
    h(
      'div',
      { class: 'topbar' },
      h('div', { class: 'brand' }, emblem(), officeEl),
      h('p', { class: 'clock' }, clockTime, clockDate),
      langBtn.el,
    ),
    assistEl,
    demoEl,
    offlineEl,
  );
  root.replaceChildren(header, mainEl, liveEl);
  shellMounted = true;
  repaintClock = runClock(clockTime, clockDate, lang);
  updateShellText();
}

function updateShellText(): void {
  officeEl.textContent = state.info?.office_name.normalize('NFC') ?? tr(T.officeFallback);
  langBtn.update();
  demoEl.textContent = tr(T.demo);
  demoEl.hidden = !(state.info?.demo ?? false);
  offlineEl.textContent = tr(T.offline);
  offlineEl.hidden = state.online;
  paintAssist();
  tickClock();
}

function paintAssist(): void {
  const a = state.assist;
  assistEl.hidden = a === null;
  assistEl.setAttribute('aria-label', tr(T.assisting));
  assistName.textContent = a ? assistingText(a.staff.full_name) : '';
  assistEndBtn.textContent = tr(T.assistEnd);
}

/** Shows or hides the assist bar ("Đang hỗ trợ: …" with "Kết thúc hỗ trợ"). */
export function setAssist(a: { staff: AssistStaff; idleSecs: number } | null, onEnd?: () => void): void {
  state.assist = a;
  if (onEnd) onAssistEnd = onEnd;
  if (shellMounted) paintAssist();
}

export function applyLanguage(l: Lang): void {
  setLang(l);
  if (shellMounted) updateShellText();
}

function toggleLanguage(): void {
  applyLanguage(otherLang());
  rerender();
  announce(tr(T.docTitle));
}

/** Show or hide the offline sign (the backend's view of the office server). */
export function setOnline(online: boolean): void {
  state.online = online;
  if (offlineEl.hidden !== online) offlineEl.hidden = online;
}

export function setInfo(info: KioskInfo): void {
  state.info = info;
  state.online = info.online;
  updateShellText();
}

let repaintClock: () => void = () => undefined;
function tickClock(): void {
  if (shellMounted) repaintClock();
}

// ---------------------------------------------------------------- idle timer

let idleTimer = 0;
let idleDeadline = 0;

function idleSecs(): number {
  const s = screen?.idleSecs ?? state.info?.idle_timeout_secs ?? DEFAULT_IDLE_SECS;
  return Number.isFinite(s) && s > 0 ? s : DEFAULT_IDLE_SECS;
}

/** Milliseconds until the idle timer sends the kiosk home. */
export function idleRemainingMs(): number {
  return Math.max(0, idleDeadline - Date.now());
}

function resetIdle(): void {
  window.clearTimeout(idleTimer);
  if (screen?.stay) {
    idleDeadline = Number.POSITIVE_INFINITY;
    return;
  }
  const ms = idleSecs() * 1000;
  idleDeadline = Date.now() + ms;
  idleTimer = window.setTimeout(onIdle, ms);
}

/** Seconds the "are you still there?" countdown runs before the kiosk goes home. */
const WARNING_SECS = 20;
let warningEl: HTMLElement | null = null;
let warningTimer = 0;

function onIdle(): void {
  const atRestHome = stack.length === 1 && current().name === 'home';
  const defaultLang = state.info?.language ?? 'vi';
  if (atRestHome && lang() === defaultLang && state.assist === null) {
    resetIdle();
  } else if (atRestHome || current().name === 'ticket') {
    // Nothing of the visitor's is lost by going home: no warning.
    goHome(true);
  } else {
    showIdleWarning();
  }
}

/** A visible countdown that any touch cancels; then home, with everything cleared. */
function showIdleWarning(): void {
  hideIdleWarning();
  let left = WARNING_SECS;
  const text = h('p', { class: 'idle-text', testid: 'idle-text' }, idleText(left));
  const stay = button({ class: 'btn btn-primary btn-xl', testid: 'idle-stay' }, tr(T.idleStay));
  warningEl = h(
    'div',
    { class: 'idle-overlay', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'idle-title', testid: 'idle-warning' },
    h('div', { class: 'idle-box' }, h('h2', { id: 'idle-title' }, tr(T.idleTitle)), text, stay),
  );
  document.body.appendChild(warningEl);
  stay.focus();
  announce(idleText(left));
  warningTimer = window.setInterval(() => {
    left -= 1;
    if (left <= 0) {
      goHome(true);
      return;
    }
    text.textContent = idleText(left);
  }, 1000);
}

function hideIdleWarning(): void {
  window.clearInterval(warningTimer);
  warningEl?.remove();
  warningEl = null;
}

let lastActivity = 0;
function activity(): void {
  if (warningEl) {
    // Any touch means someone is there: keep everything.
    hideIdleWarning();
    lastActivity = Date.now();
    resetIdle();
    return;
  }
  const now = Date.now();
  if (now - lastActivity < 250) return;
  lastActivity = now;
  resetIdle();
}

// ---------------------------------------------------------------- guards

/** No context menu, no text selection, no drag, no zoom: it is a public kiosk. */
export function installGuards(): void {
  const opts: AddEventListenerOptions = { capture: true, passive: true };
  for (const type of ['pointerdown', 'keydown', 'touchstart', 'wheel']) {
    window.addEventListener(type, activity, opts);
  }
  const block = (ev: Event): void => {
    ev.preventDefault();
  };
  document.addEventListener('contextmenu', block);
  document.addEventListener('selectstart', block);
  document.addEventListener('dragstart', block);
  // Safari/WebKit pinch gestures.
  document.addEventListener('gesturestart', block);
  document.addEventListener('gesturechange', block);
  // Two-finger pinch on touch screens (touch-action in CSS is the first line).
  document.addEventListener(
    'touchmove',
    (ev) => {
      if (ev.touches.length > 1) ev.preventDefault();
    },
    { passive: false },
  );
  // Ctrl + wheel and Ctrl +/-/0 zoom from a keyboard plugged into the kiosk.
  window.addEventListener(
    'wheel',
    (ev) => {
      if (ev.ctrlKey) ev.preventDefault();
    },
    { passive: false },
  );
  window.addEventListener('keydown', (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && ['+', '-', '=', '0'].includes(ev.key)) ev.preventDefault();
  });
}

// ---------------------------------------------------------------- shared pieces

/** Back and Home, on every screen but Home. */
export function navBar(opts: { onBack?: () => void; onHome?: () => void; extra?: Node[] } = {}): HTMLElement {
  return h(
    'nav',
    { class: 'navbar', 'aria-label': lang() === 'vi' ? 'Điều hướng' : 'Navigation' },
    button(
      { class: 'btn btn-nav', testid: 'btn-back', onClick: opts.onBack ?? back },
      icon('back'),
      h('span', null, tr(T.back)),
    ),
    button(
      {
        class: 'btn btn-nav',
        testid: 'btn-home',
        onClick: () => {
          if (opts.onHome) opts.onHome();
          else goHome();
        },
      },
      icon('home'),
      h('span', null, tr(T.home)),
    ),
    opts.extra && h('div', { class: 'navbar-extra' }, ...opts.extra),
  );
}

/** A screen: its content, then the Back/Home bar. */
export function screenRoot(cls: string, ...content: (Node | null | undefined | false)[]): HTMLElement {
  return screenRootWith(cls, {}, ...content);
}

/** Like screenRoot, with options for the Back/Home bar (e.g. a Done button beside them). */
export function screenRootWith(
  cls: string,
  nav: Parameters<typeof navBar>[0],
  ...content: (Node | null | undefined | false)[]
): HTMLElement {
  return h(
    'section',
    { class: `screen ${cls}` },
    h('div', { class: 'screen-body' }, ...content),
    navBar(nav),
  );
}
