// Telex and VNI composition of the on-screen keyboard. The vectors shared with the Rust composer
// (crates/core/tests/telex_vectors.json) run here too, so both compose the same way.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { backspace, composeText, typeKey } from './vnkeys';

const OWN: [string, 'telex' | 'vni' | 'off', string][] = [
  ['tooi laf ai', 'telex', 'tôi là ai'],
  // A space after a word never moves its tone.
  ['baor hieenr', 'telex', 'bảo hiển'],
  ['bao3 ', 'vni', 'bảo '],
  ['ddaay laf ddaau', 'telex', 'đây là đâu'],
  ['duwowis', 'telex', 'dưới'],
  ['viet65', 'vni', 'việt'],
  ['ddawng kys khai sinh', 'telex', 'đăng ký khai sinh'],
  ['nguwowif', 'telex', 'người'],
  ['hoaf', 'telex', 'hoà'],
  ['muaf', 'telex', 'mùa'],
  ['thuyr', 'telex', 'thuỷ'],
  ['quys', 'telex', 'quý'],
  ['gias', 'telex', 'giá'],
  ['gif', 'telex', 'gì'],
  ['ass', 'telex', 'as'],
  ['aaa', 'telex', 'aa'],
  ['ddd', 'telex', 'dd'],
  ['w', 'telex', 'ư'],
  ['hoasn', 'telex', 'hoán'],
  ['chuwngs thuwcj', 'telex', 'chứng thực'],
  ['Ddawng kys keets hoon', 'telex', 'Đăng ký kết hôn'],
  ['tinhf trangj hoon nhaan', 'telex', 'tình trạng hôn nhân'],
  ['asz', 'telex', 'a'],
  ['nghieeng', 'telex', 'nghiêng'],
  ['huwowu', 'telex', 'hươu'],
  ['1.001193', 'telex', '1.001193'],
  ['1.001193', 'vni', '1.001193'],
  ['d9a8ng ky1', 'vni', 'đăng ký'],
  ['nguo72i', 'vni', 'người'],
  ['ho6n nha6n', 'vni', 'hôn nhân'],
  ['tho6i', 'off', 'tho6i'],
];

interface Vector {
  input: string;
  mode: 'telex' | 'vni';
  output: string;
}

const sharedPath = fileURLToPath(new URL('../../crates/core/tests/telex_vectors.json', import.meta.url));
const shared: Vector[] = existsSync(sharedPath) ? (JSON.parse(readFileSync(sharedPath, 'utf8')) as Vector[]) : [];

describe('composition', () => {
  it.each(OWN)('%s (%s) → %s', (keys, mode, out) => {
    expect(composeText(keys, mode)).toBe(out);
  });
  it.each(shared.map((v) => [v.input, v.mode, v.output] as const))('shared vector %s (%s) → %s', (keys, mode, out) => {
    expect(composeText(keys, mode)).toBe(out);
  });
  it('is NFC', () => {
    const s = composeText('vieetj nam', 'telex');
    expect(s).toBe(s.normalize('NFC'));
    expect(s).toBe('việt nam');
  });
  it('composes onto text typed earlier, and only its last word', () => {
    expect(typeKey('khai sinh lu', 'w', 'telex')).toBe('khai sinh lư');
    expect(typeKey('khai sinh', 's', 'telex')).toBe('khai sính');
  });
  it('backspace removes a whole composed letter', () => {
    expect(backspace('việt')).toBe('việ');
    expect(backspace('')).toBe('');
  });
});
