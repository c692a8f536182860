// The on-screen Vietnamese keyboard: large keys, Telex or VNI composition (vnkeys.ts), no
// physical keyboard needed. A plugged-in keyboard still types into the field. Every key press
// is a pointer event, which the idle timer already counts as activity.
//
// Form fields capitalise as phones do (each word of a name, the first letter of other text) and
// carry a one-shot Shift key; dates and numbers get a large digit pad instead (`keypad`).

import { button, h, icon } from './dom';
import { T, tr } from './i18n';
import { type InputMode, type ToneKey, applyTone, backspace, typeKey } from './vnkeys';

const ROWS: readonly string[] = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm.-'];

/** The Vietnamese letters, each one key: nobody needs to know Telex or VNI to type a name. */
const VN_LETTERS: readonly string[] = ['ă', 'â', 'đ', 'ê', 'ô', 'ơ', 'ư'];

/** The five tones as visible keys, each shown on a vowel and named. */
const TONE_KEYS: readonly { tone: ToneKey; id: string; sample: string; vi: string; en: string }[] = [
  { tone: 1, id: 'sac', sample: 'á', vi: 'sắc', en: 'acute' },
  { tone: 2, id: 'huyen', sample: 'à', vi: 'huyền', en: 'grave' },
  { tone: 3, id: 'hoi', sample: 'ả', vi: 'hỏi', en: 'hook' },
  { tone: 4, id: 'nga', sample: 'ã', vi: 'ngã', en: 'tilde' },
  { tone: 5, id: 'nang', sample: 'ạ', vi: 'nặng', en: 'dot below' },
];
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

/** How a field capitalises: each word (names), the first letter (other text), or never. */
export type Capitalize = 'words' | 'sentence' | 'none';

/** Whether the next letter typed after `text` starts upper case. */
export function capitalNext(text: string, mode: Capitalize): boolean {
  if (mode === 'none') return false;
  if (mode === 'sentence') return text.trim() === '';
  return text === '' || /\s$/u.test(text);
}

/**
 * The text after one key tap: a letter is capitalised as the field asks (`shifted` flips that,
 * the one-shot Shift), then composed in the input mode.
 */
export function pressKey(text: string, key: string, mode: InputMode, caps: Capitalize, shifted = false): string {
  const letter = /^\p{L}$/u.test(key);
  const upper = letter && capitalNext(text, caps) !== shifted;
  return typeKey(text, upper ? key.toUpperCase() : key, mode);
}

/**
 * The text field of a keyboard or pad: no system keyboard popping up on touch screens (ours is
 * on the screen), NFC always, `after` run on every change.
 */
function textField(
  opts: { label: string; initial: string; onChange: (text: string) => void; testid?: string },
  type: 'search' | 'text',
  after: () => void = () => undefined,
): { input: HTMLInputElement; text: () => string; emit: (next: string) => void } {
  let text = opts.initial.normalize('NFC');
  const input = h('input', {
    type,
    class: 'kb-field',
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
    after();
  };
  input.addEventListener('input', () => {
    emit(input.value);
  });
  return { input, text: () => text, emit };
}

export function keyboard(opts: {
  label: string;
  initial: string;
  onChange: (text: string) => void;
  testid?: string;
  /** Default `none` (search); form fields pass `words` or `sentence` and get a Shift key. */
  capitalize?: Capitalize;
  /**
   * Keys typed as they are (usernames, passwords, codes): no Telex/VNI composition, no
   * Vietnamese row, a Shift key for capitals.
   */
  plain?: boolean;
}): Keyboard {
  const caps = opts.capitalize ?? 'none';
  const plain = opts.plain ?? false;
  // The search field is type=search; forms set their own type after.
  const field = textField(opts, 'search', () => {
    paintCase();
  });
  const { input, emit } = field;
  const text = field.text;

  // One-shot Shift: flips the case of the next letter (from what capitalisation would give).
  let shifted = false;
  const upperNext = (): boolean => capitalNext(text(), caps) !== shifted;
  const letterKeys: HTMLButtonElement[] = [];
  const shiftBtn =
    caps === 'none' && !plain
      ? null
      : button({
          class: 'btn kb-key kb-fn kb-shift',
          testid: 'key-shift',
          'aria-pressed': 'false',
          onClick: () => {
            shifted = !shifted;
            paintCase();
          },
        });
  const paintCase = (): void => {
    if (!shiftBtn) return;
    const up = upperNext();
    for (const b of letterKeys) {
      const k = b.dataset.key ?? '';
      b.textContent = up ? k.toUpperCase() : k;
    }
    shiftBtn.setAttribute('aria-pressed', String(shifted));
    shiftBtn.classList.toggle('is-on', shifted);
    shiftBtn.textContent = `⇧ ${tr(T.kbShift)}`;
  };

  const press = (key: string): void => {
    const next = pressKey(text(), key, plain ? 'off' : lastMode, caps, shifted);
    if (/^\p{L}$/u.test(key)) shifted = false;
    emit(next);
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

  const keyBtn = (k: string): HTMLButtonElement => {
    const b = button(
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
    if (/^\p{Ll}$/u.test(k)) {
      b.dataset.key = k;
      letterKeys.push(b);
    }
    return b;
  };

  const toneBtn = (t: (typeof TONE_KEYS)[number]): HTMLButtonElement =>
    button(
      {
        class: 'btn kb-key kb-tone',
        testid: `key-tone-${t.id}`,
        // Named by what it shows ("á sắc"), as a sighted user reads it.
        title: `${tr(T.kbTone)} ${tr({ vi: t.vi, en: t.en })}`,
        onClick: () => {
          emit(applyTone(text(), t.tone));
        },
      },
      h('span', { class: 'kb-tone-mark' }, t.sample),
      h('span', { class: 'kb-tone-name' }, t.vi),
    );
  // Above the letters: ă â đ ê ô ơ ư, then the five tones.
  const vnRow = h('div', { class: 'kb-row kb-row-vn' }, VN_LETTERS.map(keyBtn), h('span', { class: 'kb-gap', 'aria-hidden': 'true' }), TONE_KEYS.map(toneBtn));

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
                emit(backspace(text()));
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
    shiftBtn,
    plain ? null : modeBtn,
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
  const el = h(
    'div',
    { class: plain ? 'kb kb-plain' : 'kb', role: 'group', 'aria-label': tr(T.kbLabel), testid: 'keyboard' },
    plain ? null : vnRow,
    ...rows,
    bottom,
  );
  paintCase();
  return {
    el,
    input,
    value: text,
    set: (t: string) => {
      emit(t);
    },
  };
}

/**
 * A large digit pad for dates, ID numbers, phone numbers and amounts: 0–9, a slash for dates,
 * delete one and clear. Same interface as [`keyboard`]; a plugged-in keyboard still types.
 */
export function keypad(opts: {
  label: string;
  initial: string;
  onChange: (text: string) => void;
  testid?: string;
  /** Show the "/" key (dates). */
  slash?: boolean;
}): Keyboard {
  const field = textField(opts, 'text');
  const { input, emit } = field;
  const text = field.text;
  const key = (k: string, testid: string, label: string): HTMLButtonElement =>
    button(
      {
        class: 'btn kb-key',
        testid,
        'aria-label': label,
        onClick: () => {
          emit(text() + k);
        },
      },
      k,
    );
  const digits = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => key(d, `key-${d}`, d));
  const el = h(
    'div',
    { class: 'kb kb-pad', role: 'group', 'aria-label': tr(T.kbLabel), testid: 'keypad' },
    ...digits,
    opts.slash ? key('/', 'key-slash', tr(T.kbSlash)) : h('span', { 'aria-hidden': 'true' }),
    key('0', 'key-0', '0'),
    button(
      {
        class: 'btn kb-key kb-fn',
        testid: 'key-backspace',
        'aria-label': tr(T.kbBackspace),
        onClick: () => {
          emit(Array.from(text()).slice(0, -1).join(''));
        },
      },
      icon('backspace'),
    ),
    button(
      {
        class: 'btn kb-key kb-fn kb-pad-wide',
        testid: 'key-clear',
        onClick: () => {
          emit('');
        },
      },
      tr(T.kbClear),
    ),
  );
  return {
    el,
    input,
    value: text,
    set: (t: string) => {
      emit(t);
    },
  };
}
