// The on-screen Vietnamese keyboard: large keys, Telex or VNI composition (vnkeys.ts), no
// physical keyboard needed. A plugged-in keyboard still types into the field. Every key press
// is a pointer event, which the idle timer already counts as activity.

import { button, h, icon } from './dom';
import { T, tr } from './i18n';
import { type InputMode, backspace, typeKey } from './vnkeys';

const ROWS: readonly string[] = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm.-'];
const MODES: readonly InputMode[] = ['telex', 'vni', 'off'];

export interface Keyboard {
  /** The keys, to place under the field. */
  el: HTMLElement;
  /** The text field (also takes a physical keyboard's typing). */
  input: HTMLInputElement;
  value: () => string;
  set: (text: string) => void;
}

let lastMode: InputMode = 'telex';

export function keyboard(opts: {
  label: string;
  initial: string;
  onChange: (text: string) => void;
  testid?: string;
}): Keyboard {
  let text = opts.initial.normalize('NFC');
  const input = h('input', {
    type: 'search',
    class: 'kb-field',
    // No system keyboard popping up on touch screens: ours is on the screen.
    inputmode: 'none',
    autocomplete: 'off',
    autocapitalize: 'off',
    spellcheck: 'false',
    'aria-label': opts.label,
    testid: opts.testid ?? 'kb-field',
  });
  input.value = text;

  const emit = (next: string): void => {
    text = next.normalize('NFC');
    if (input.value !== text) input.value = text;
    opts.onChange(text);
  };
  input.addEventListener('input', () => {
    emit(input.value);
  });

  const press = (key: string): void => {
    emit(typeKey(text, key, lastMode));
  };

  const modeBtn = button({ class: 'btn kb-key kb-fn kb-mode', testid: 'kb-mode', 'aria-live': 'polite' });
  const paintMode = (): void => {
    modeBtn.textContent = tr(lastMode === 'telex' ? T.kbTelex : lastMode === 'vni' ? T.kbVni : T.kbOff);
  };
  modeBtn.addEventListener('click', () => {
    lastMode = MODES[(MODES.indexOf(lastMode) + 1) % MODES.length] ?? 'telex';
    paintMode();
  });
  paintMode();

  const keyBtn = (k: string): HTMLButtonElement =>
    button(
      {
        class: 'btn kb-key',
        testid: `key-${k}`,
        'aria-label': k === '.' ? tr(T.kbDot) : k === '-' ? tr(T.kbDash) : k.toUpperCase(),
        onClick: () => {
          press(k);
        },
      },
      k.toUpperCase(),
    );

  const rows = ROWS.map((r, i) =>
    h(
      'div',
      { class: 'kb-row' },
      Array.from(r, keyBtn),
      i === 2
        ? button(
            {
              class: 'btn kb-key kb-fn kb-back',
              testid: 'key-backspace',
              'aria-label': tr(T.kbBackspace),
              onClick: () => {
                emit(backspace(text));
              },
            },
            icon('backspace'),
          )
        : null,
    ),
  );
  const bottom = h(
    'div',
    { class: 'kb-row' },
    modeBtn,
    button(
      {
        class: 'btn kb-key kb-space',
        testid: 'key-space',
        'aria-label': tr(T.kbSpace),
        onClick: () => {
          press(' ');
        },
      },
      tr(T.kbSpace),
    ),
    button(
      {
        class: 'btn kb-key kb-fn',
        testid: 'key-clear',
        onClick: () => {
          emit('');
        },
      },
      tr(T.kbClear),
    ),
  );
  const el = h('div', { class: 'kb', role: 'group', 'aria-label': tr(T.kbLabel), testid: 'keyboard' }, ...rows, bottom);
  return {
    el,
    input,
    value: () => text,
    set: (t: string) => {
      emit(t);
    },
  };
}
