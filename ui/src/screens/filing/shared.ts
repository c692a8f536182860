// Shared by every online-filing screen: the screen frame (Back, Home, Kết thúc), choice buttons, QR images.

import { goHome, navigate, screenRootWith } from '../../app';
import { button, h } from '../../dom';
import type { Question } from '../../filing/forms';
import { filing } from '../../filing/session';
import { FT } from '../../filing/text';
import { lang, tr } from '../../i18n';

export const vi = (): boolean => lang() === 'vi';

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
export function filingRoot(cls: string, ...content: (Node | null | undefined | false)[]): HTMLElement {
  const onHome = (): void => {
    if (filing.profile || Object.keys(filing.answers).length > 0) navigate({ name: 'file-leave' });
    else goHome();
  };
  return screenRootWith(`screen-filing ${cls}`, { extra: [endButton()], onHome }, ...content);
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
