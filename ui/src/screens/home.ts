// Home: one big button per service (tap → priority question → printed ticket), then the
// other choices as tiles, and a discreet Staff button.

import { listServices, type Service } from '../api';
import { type Screen, type TileName, navigate, state } from '../app';
import { button, h, icon } from '../dom';
import { errorBox } from '../errors';
import { T, serviceName, tr, waitMinutesShort, waitingText } from '../i18n';

const REFRESH_MS = 30_000;

export const TILES: readonly { name: TileName; text: (typeof T)[keyof typeof T]; icon: Parameters<typeof icon>[0] }[] = [
  { name: 'vneid', text: T.tileVneid, icon: 'vneid' },
  { name: 'procedures', text: T.tileProcedures, icon: 'search' },
];

let lastFetch = 0;
let inFlight: Promise<void> | null = null;

function fetchServices(): Promise<void> {
  inFlight ??= listServices()
    .then((list) => {
      state.services = list;
      state.servicesError = null;
    })
    .catch((e: unknown) => {
      state.servicesError = e as typeof state.servicesError;
    })
    .finally(() => {
      lastFetch = Date.now();
      inFlight = null;
    });
  return inFlight;
}

function serviceButton(s: Service): HTMLButtonElement {
  const status = s.open
    ? [
        h('span', { class: 'svc-waiting' }, waitingText(s.waiting)),
        h('span', { class: 'svc-minutes' }, waitMinutesShort(s.estimated_wait_minutes)),
      ]
    : [h('span', { class: 'svc-closed' }, tr(T.closed))];
  return button(
    {
      class: `btn svc${s.open ? '' : ' svc-off'}`,
      testid: `service-${s.id}`,
      disabled: !s.open,
      onClick: () => {
        navigate({ name: 'priority', service: s, busy: false, error: null });
      },
    },
    h('span', { class: 'svc-prefix', 'aria-hidden': 'true' }, s.prefix),
    h(
      'span',
      { class: 'svc-text' },
      h('span', { class: 'svc-name' }, serviceName(s)),
      h('span', { class: 'svc-status' }, ...status),
    ),
    s.open ? icon('chevron', 'icon svc-chevron') : null,
  );
}

function servicesContent(onRetry: () => void): HTMLElement {
  if (state.services === null && state.servicesError === null) {
    return h('p', { class: 'lead muted', role: 'status' }, tr(T.servicesLoading));
  }
  const parts: Node[] = [];
  if (state.servicesError !== null) {
    parts.push(
      errorBox(state.servicesError, {
        extra: button({ class: 'btn btn-secondary', testid: 'btn-retry', onClick: onRetry }, tr(T.retry)),
      }),
    );
  }
  const list = state.services ?? [];
  if (list.length === 0 && state.servicesError === null) {
    parts.push(h('p', { class: 'lead' }, tr(T.servicesEmpty)));
  }
  if (list.length > 0) {
    parts.push(
      h(
        'ul',
        { class: 'svc-grid', role: 'list' },
        list.map((s) => h('li', null, serviceButton(s))),
      ),
    );
  }
  return h('div', null, ...parts);
}

export function renderHome(): Screen {
  const servicesBox = h('div', { class: 'svc-box', testid: 'services' });
  // Repaint only when what is shown changes, so a refresh never swaps a button out from under
  // a finger that is pressing it.
  let painted = '';
  const paint = (): void => {
    const shown = JSON.stringify([state.services, state.servicesError]);
    if (shown === painted) return;
    painted = shown;
    servicesBox.replaceChildren(servicesContent(retry));
  };
  const refresh = (): void => {
    void fetchServices().then(() => {
      if (servicesBox.isConnected) paint();
    });
  };
  const retry = (): void => {
    state.servicesError = null;
    painted = '';
    paint();
    refresh();
  };
  paint();
  if (Date.now() - lastFetch > 3000 || state.services === null) refresh();
  const timer = window.setInterval(refresh, REFRESH_MS);

  const tiles = h(
    'ul',
    { class: 'tile-grid', role: 'list' },
    TILES.map((t) =>
      h(
        'li',
        null,
        button(
          {
            class: 'btn tile',
            testid: `tile-${t.name}`,
            onClick: () => {
              if (t.name === 'procedures') {
                navigate({ name: 'procedures', q: '', field: null, online: false, keyboard: true });
              } else {
                navigate({ name: 'file-start', code: null, procName: '' });
              }
            },
          },
          icon(t.icon, 'icon tile-icon'),
          h('span', null, tr(t.text)),
        ),
      ),
    ),
  );

  // A mark in the corner, not a button inviting citizens: a lock, named for screen readers.
  const staff = button(
    {
      class: 'btn staff-mark',
      testid: 'staff-button',
      'aria-label': tr(T.staffTitle),
      onClick: () => {
        // While a staff member assists, the mark opens their tools again.
        navigate(
          state.assist
            ? { name: 'staff-menu', busy: false, error: null }
            : { name: 'staff', username: '', password: '', field: 'username', busy: false, error: null },
        );
      },
    },
    icon('lock'),
  );

  const info = state.info;
  const root = h(
    'section',
    { class: 'screen screen-home', testid: 'home' },
    h(
      'div',
      { class: 'screen-body' },
      h(
        'section',
        { class: 'home-queue', 'aria-labelledby': 'home-title' },
        h(
          'div',
          { class: 'home-head' },
          h('h1', { id: 'home-title' }, tr(T.homeTitle)),
          h('p', { class: 'lead' }, tr(T.homeLead)),
        ),
        servicesBox,
      ),
      h(
        'section',
        { class: 'home-other', 'aria-labelledby': 'home-other-title' },
        h('h2', { id: 'home-other-title' }, tr(T.otherTitle)),
        tiles,
      ),
    ),
    h(
      'footer',
      { class: 'home-foot' },
      info && h('p', { class: 'kiosk-meta' }, `${info.kiosk_id} · v${info.version}`),
      staff,
    ),
  );
  return {
    root,
    cleanup: () => {
      window.clearInterval(timer);
    },
  };
}
