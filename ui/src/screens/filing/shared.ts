// Shared by every online-filing screen: the screen frame (Back, Home, Hủy hồ sơ), choice buttons, QR images.

import { getProcedure } from '../../api';
import { goHome, navigate, screenRootWith, state } from '../../app';
import type { Service } from '../../wire';
import { button, h } from '../../dom';
import type { Question } from '../../filing/forms';
import { filing } from '../../filing/session';
import { FT } from '../../filing/text';
import { lang, tr } from '../../i18n';

export const vi = (): boolean => lang() === 'vi';

/** "Hủy hồ sơ" beside Back and Home: asks, then clears everything. */
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
export function filingRoot(cls: string, ...content: (Node | null | undefined | false)[]): HTMLElement {
  return filingRootWith(cls, [], ...content);
}

/** [`filingRoot`] with more buttons in the bottom bar (the review's Gửi hồ sơ: always in sight). */
export function filingRootWith(
  cls: string,
  extra: Node[],
  ...content: (Node | null | undefined | false)[]
): HTMLElement {
  const onHome = (): void => {
    if (filing.profile || Object.keys(filing.answers).length > 0) navigate({ name: 'file-leave' });
    else goHome();
  };
  return screenRootWith(`screen-filing ${cls}`, { extra: [endButton(), ...extra], onHome }, ...content);
}

/**
 * No VNeID is not a dead end: a number for this procedure's service, to file on paper at the
 * counter (the service list when no procedure was chosen), and where to get VNeID level 2.
 */
export function counterFallback(): HTMLElement {
  return h(
    'div',
    { class: 'no-vneid', testid: 'no-vneid' },
    button(
      {
        class: 'btn btn-choice',
        testid: 'btn-no-vneid',
        onClick: () => {
          takeNumberForFiling();
        },
      },
      h('span', null, tr(FT.noVneid)),
    ),
    h('p', { class: 'no-vneid-note', testid: 'no-vneid-note' }, tr(FT.noVneidNote)),
  );
}

/** The open queue service of the procedure being filed, if it has one. */
async function filingService(): Promise<Service | undefined> {
  let id = filing.serviceId;
  const code = filing.procedureCode;
  if (!id && code) id = (await getProcedure(code).catch(() => null))?.service_id ?? null;
  return id ? state.services?.find((s) => s.id === id && s.open) : undefined;
}

/**
 * Leaves the filing (everything of it cleared, signed out) for a queue number of its
 * procedure's service: the priority question, then the ticket. Without a known service, the
 * home screen's list of services.
 */
export function takeNumberForFiling(): void {
  void filingService().then((service) => {
    goHome();
    if (service) navigate({ name: 'priority', service, busy: false, error: null });
  });
}

export function svg(markup: string, label: string): Node {
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const el = doc.documentElement;
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', label);
  return document.importNode(el, true);
}

export function demoBadge(): HTMLElement {
  return h('p', { class: 'badge badge-demo', testid: 'demo-idp' }, tr(FT.signinDemo));
}

export function choiceInput(q: Question, value: string, onPick: (v: string) => void): HTMLElement {
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
