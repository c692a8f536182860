import { describe, expect, it } from 'vitest';
import { capitalNext, pressKey } from './keyboard';
import { applyTone } from './vnkeys';

/** Key taps on a form keyboard in Telex. */
function typeIn(keys: string, caps: 'words' | 'sentence' | 'none'): string {
  let text = '';
  for (const k of keys) text = pressKey(text, k, 'telex', caps);
  return text;
}

describe('capitalisation of form fields', () => {
  it('capitalises each word of a name, composing Telex on the capital', () => {
    expect(typeIn('nguyeenx minh an', 'words')).toBe('Nguyễn Minh An');
    expect(typeIn('ddoox thij hoa', 'words')).toBe('Đỗ Thị Hoa');
  });
  it('capitalises only the first letter of other text', () => {
    expect(typeIn('beenhj vieenj', 'sentence')).toBe('Bệnh viện');
    expect(capitalNext('  ', 'sentence')).toBe(true);
    expect(capitalNext('Số 5', 'sentence')).toBe(false);
  });
  it('Shift flips the case of the next letter only', () => {
    expect(pressKey('Số 5 phố ', 'h', 'telex', 'sentence', true)).toBe('Số 5 phố H');
    expect(pressKey('', 'n', 'telex', 'words', true)).toBe('n');
    expect(pressKey('', '5', 'telex', 'words', true)).toBe('5');
  });
  it('leaves search text alone', () => {
    expect(typeIn('khai sinh', 'none')).toBe('khai sinh');
    expect(capitalNext('', 'none')).toBe(false);
  });
});

/** Taps on the visible keys only: letters (ă â đ ê ô ơ ư among them) and tone keys (1–5). */
function tapVisible(taps: (string | 1 | 2 | 3 | 4 | 5)[], mode: 'telex' | 'vni' | 'off'): string {
  let text = '';
  for (const t of taps) text = typeof t === 'number' ? applyTone(text, t) : pressKey(text, t, mode, 'words');
  return text;
}

describe('the visible Vietnamese keys', () => {
  // Đặng Hữu Phước Bảo Thành: đ ă ư ơ and the five tones, without knowing Telex or VNI.
  const taps: (string | 1 | 2 | 3 | 4 | 5)[] = [
    'đ', 'ă', 'n', 'g', 5, ' ',
    'h', 'ư', 'u', 4, ' ',
    'p', 'h', 'ư', 'ơ', 'c', 1, ' ',
    'b', 'a', 'o', 3, ' ',
    't', 'h', 'a', 'n', 'h', 2,
  ];
  for (const mode of ['telex', 'vni', 'off'] as const) {
    it(`types a legal name in ${mode} mode`, () => {
      expect(tapVisible(taps, mode)).toBe('Đặng Hữu Phước Bảo Thành');
    });
  }
  it('puts the tone where Vietnamese puts it, and takes it off when tapped again', () => {
    expect(applyTone('Nguyên', 4)).toBe('Nguyễn');
    expect(applyTone('hoa', 2)).toBe('hoà');
    expect(applyTone('mua', 2)).toBe('mùa');
    expect(applyTone('Thuy', 3)).toBe('Thuỷ');
    expect(applyTone('qua', 1)).toBe('quá');
    expect(applyTone('hà', 2)).toBe('ha');
    expect(applyTone('hà', 1)).toBe('há');
    expect(applyTone('Lê Văn ', 1)).toBe('Lê Văn ');
    expect(applyTone('nh', 1)).toBe('nh');
  });
  it('is NFC', () => {
    const s = applyTone('Trương', 2);
    expect(s).toBe('Trường');
    expect(s.normalize('NFC')).toBe(s);
  });
});

describe('plain keys (usernames, passwords, enrollment codes)', () => {
  it('types keys as they are: no Telex composition, capitals only with Shift', () => {
    let text = '';
    for (const k of 'baan-ddoo-2') text = pressKey(text, k, 'off', 'none');
    expect(text).toBe('baan-ddoo-2');
    let telex = '';
    for (const k of 'baan-ddoo-2') telex = pressKey(telex, k, 'telex', 'none');
    expect(telex).not.toBe('baan-ddoo-2');
    expect(pressKey('k7m4-', 'q', 'off', 'none', true)).toBe('k7m4-Q');
  });
});
