import { describe, expect, it } from 'vitest';
import { capitalNext, pressKey } from './keyboard';

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
