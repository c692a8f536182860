// Pieces every page's header shares: the emblem, the clock (Vietnamese time zone) and the
// language toggle's label. The kiosk shell (app.ts), the counter page and the TV board use them.

import { button, h, icon } from './dom';
import { T, otherLang, tr } from './i18n';
import type { Lang } from './wire';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** The office emblem: a white ticket on a rounded square (decorative). */
export function emblem(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 64 64');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'emblem');
  const bg = document.createElementNS(ns, 'rect');
  bg.setAttribute('width', '64');
  bg.setAttribute('height', '64');
  bg.setAttribute('rx', '14');
  bg.setAttribute('class', 'emblem-bg');
  const ticket = document.createElementNS(ns, 'path');
  ticket.setAttribute(
    'd',
    'M12 18h40v9a5 5 0 0 0 0 10v9H12v-9a5 5 0 0 0 0-10zM26 24v16h4V24zm8 0v16h4V24z',
  );
  ticket.setAttribute('class', 'emblem-fg');
  ticket.setAttribute('fill-rule', 'evenodd');
  svg.append(bg, ticket);
  return svg;
}

/** "09:41" (24 h, Vietnam time). */
export function clockTime(now: Date): string {
  return new Intl.DateTimeFormat('vi-VN', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: TIME_ZONE,
  }).format(now);
}

/** "Thứ Hai, 24/11/2025" in Vietnamese, "Monday 24 November 2025" in English. */
export function clockDate(now: Date, l: Lang): string {
  return new Intl.DateTimeFormat(l === 'vi' ? 'vi-VN' : 'en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: l === 'vi' ? '2-digit' : 'long',
    year: 'numeric',
    timeZone: TIME_ZONE,
  }).format(now);
}

/** Keeps a <time> and a date element current, waking at each minute boundary. Returns a
 * function that repaints now (after a language change). `offsetMs` corrects this machine's
 * clock by the server's (the TV board), read at each tick. */
export function runClock(
  timeEl: HTMLElement,
  dateEl: HTMLElement,
  lang: () => Lang,
  offsetMs: () => number = () => 0,
): () => void {
  let timer = 0;
  const tick = (): void => {
    const now = new Date(Date.now() + offsetMs());
    timeEl.textContent = clockTime(now);
    timeEl.setAttribute('datetime', now.toISOString());
    dateEl.textContent = clockDate(now, lang());
    window.clearTimeout(timer);
    timer = window.setTimeout(tick, 60_000 - (now.getTime() % 60_000) + 50);
  };
  tick();
  return tick;
}

/** The language toggle (globe, the other language's name). `update()` relabels it after a
 * language change. */
export function langButton(onToggle: () => void): { el: HTMLButtonElement; update: () => void } {
  const label = h('span', { class: 'lang-label' });
  const el = button({ class: 'btn btn-lang', testid: 'lang-toggle', onClick: onToggle }, icon('globe'), label);
  const update = (): void => {
    label.textContent = tr(T.langToggle);
    // The label is in the other language: mark it so a screen reader says it right.
    label.lang = otherLang();
    el.setAttribute('aria-label', `${tr(T.langToggle)} – ${tr(T.langToggleHint)}`);
  };
  update();
  return { el, update };
}
