// Staff: PIN on an on-screen keypad, then a small menu (exit kiosk mode).

import { type CommandError, exitKiosk, staffUnlock } from '../api';
import { type Route, type Screen, announce, navigate, screenRoot, state } from '../app';
import { button, h, icon } from '../dom';
import { errorBox } from '../errors';
import { T, pinEnteredText, tr } from '../i18n';

const MAX_PIN = 12;

type StaffRoute = Extract<Route, { name: 'staff' }>;
type StaffMenuRoute = Extract<Route, { name: 'staff-menu' }>;

export function renderStaff(route: Route): Screen {
  const r = route as StaffRoute;
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
    const b = button(
      { class: `btn key ${cls}`, testid, 'aria-label': name, onClick: onPress },
      label,
    );
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
    h('h1', null, tr(T.staffTitle)),
    h('p', { class: 'lead' }, tr(T.staffLead)),
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

export function renderStaffMenu(route: Route): Screen {
  const r = route as StaffMenuRoute;
  const errorSlot = h('div', { class: 'error-slot' });
  const exitBtn = button(
    {
      class: 'btn btn-danger btn-xl',
      testid: 'btn-exit-kiosk',
      onClick: () => {
        if (r.busy) return;
        r.busy = true;
        exitBtn.disabled = true;
        exitBtn.textContent = tr(T.exiting);
        announce(tr(T.exiting));
        exitKiosk().catch((e: unknown) => {
          r.busy = false;
          r.error = e as CommandError;
          if (!exitBtn.isConnected) return;
          exitBtn.disabled = false;
          exitBtn.textContent = tr(T.exitKiosk);
          errorSlot.replaceChildren(errorBox(r.error));
        });
      },
    },
    tr(T.exitKiosk),
  );
  exitBtn.disabled = r.busy;
  if (r.error) errorSlot.replaceChildren(errorBox(r.error));

  const info = state.info;
  const facts = info
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

  const root = screenRoot('screen-staff-menu', h('h1', null, tr(T.staffMenuTitle)), errorSlot, exitBtn, facts);
  root.dataset.testid = 'staff-menu';
  return { root };
}
