// Step 2: "Are you entitled to priority?" Every answer prints at once (home → ticket in 2 taps).

import { PRIORITIES, type CommandError, type Priority, issueTicket, listServices } from '../api';
import { type Route, type Screen, announce, navigate, screenRoot, state } from '../app';
import { button, h, icon } from '../dom';
import { errorBox } from '../errors';
import { PRIORITY_LABEL, T, serviceLine, serviceName, tr } from '../i18n';

type PriorityRoute = Extract<Route, { name: 'priority' }>;

export function renderPriority(route: Route): Screen {
  const r = route as PriorityRoute;
  const buttons: HTMLButtonElement[] = [];
  const errorSlot = h('div', { class: 'error-slot' });
  const busyEl = h('p', { class: 'busy', testid: 'busy', hidden: true }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), tr(T.issuing));

  const setBusy = (busy: boolean): void => {
    r.busy = busy;
    for (const b of buttons) b.disabled = busy;
    // No leaving half-way: the ticket is being printed for this person.
    for (const b of root.querySelectorAll<HTMLButtonElement>('.navbar button')) b.disabled = busy;
    busyEl.hidden = !busy;
    root.setAttribute('aria-busy', String(busy));
  };
  const showError = (err: CommandError | null): void => {
    r.error = err;
    errorSlot.replaceChildren(...(err ? [errorBox(err)] : []));
  };

  const choose = async (p: Priority): Promise<void> => {
    if (r.busy) return; // a double tap must never print two tickets
    setBusy(true);
    showError(null);
    announce(tr(T.issuing));
    try {
      const issued = await issueTicket(r.service.id, p);
      // Home, then the ticket: Back from the ticket goes home, never to this question again.
      navigate({ name: 'ticket', issued, service: r.service }, { resetTo: [{ name: 'home' }] });
    } catch (e) {
      if (!root.isConnected) return;
      setBusy(false);
      showError(e as CommandError);
      // The service may have closed meanwhile: refresh what Home shows.
      listServices()
        .then((l) => {
          state.services = l;
        })
        .catch(() => undefined);
    }
  };

  const mk = (p: Priority, cls: string, ...content: (Node | string)[]): HTMLButtonElement => {
    const b = button(
      {
        class: cls,
        testid: `priority-${p}`,
        onClick: () => {
          void choose(p);
        },
      },
      ...content,
    );
    buttons.push(b);
    return b;
  };

  const none = mk('none', 'btn btn-primary btn-xl', icon('printer'), h('span', null, tr(T.priorityNone)));
  const others = PRIORITIES.filter((p): p is Exclude<Priority, 'none'> => p !== 'none').map((p) =>
    h('li', null, mk(p, 'btn btn-choice', h('span', null, tr(PRIORITY_LABEL[p])), icon('printer', 'icon choice-icon'))),
  );

  const root = screenRoot(
    'screen-priority',
    h('p', { class: 'eyebrow', testid: 'chosen-service' }, serviceLine(serviceName(r.service))),
    h('h1', null, tr(T.priorityTitle)),
    errorSlot,
    busyEl,
    none,
    h('h2', { class: 'h-sub' }, tr(T.priorityYes)),
    h('ul', { class: 'choice-grid', role: 'list' }, others),
    h('p', { class: 'muted' }, tr(T.priorityNote)),
  );
  setBusy(r.busy);
  showError(r.error);
  return { root };
}
