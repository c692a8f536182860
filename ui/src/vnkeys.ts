// Vietnamese composition for the on-screen keyboard: Telex and VNI, applied key by key to the
// last word of the text (like Unikey or the phone keyboards citizens know). The search engine on
// the server also understands raw Telex, so a query typed with composition off still finds.
//
// Rules (kept the same as motcua_core's Rust composer; both read the shared test vectors):
// - Telex: aa → â, ee → ê, oo → ô, aw → ă, ow → ơ, uw → ư, uow → ươ, w alone → ư, dd → đ;
//   s f r x j → sắc huyền hỏi ngã nặng, z removes the tone.
// - VNI: 6 → â ê ô, 7 → ơ ư (uo7 → ươ), 8 → ă, 9 → đ; 1 2 3 4 5 → sắc huyền hỏi ngã nặng, 0 removes it.
// - Typing the same modifier or tone again undoes it and types the key itself ("ass" → "as").
// - Tones sit where Vietnamese puts them: on a vowel with a hat or horn (ươ takes it on ơ);
//   else on the last vowel when a final consonant follows, the middle one of three, the second
//   of oa/oe/uy (modern placement: hoà, khoẻ, thuỷ, as most of the national catalog writes),
//   else the first of two (mùa, mía).
// Output is NFC.

export type InputMode = 'telex' | 'vni' | 'off';

// none sắc huyền hỏi ngã nặng
const TONES: readonly string[] = ['', '\u0301', '\u0300', '\u0309', '\u0303', '\u0323'];
type Tone = 0 | 1 | 2 | 3 | 4 | 5;

const TELEX_TONE: Record<string, Tone> = { s: 1, f: 2, r: 3, x: 4, j: 5, z: 0 };
const VNI_TONE: Record<string, Tone> = { '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '0': 0 };

/** Base vowels (no tone), lower case, with their shape: the letter without hat/horn/breve. */
const SHAPE: Record<string, string> = {
  a: 'a', ă: 'a', â: 'a', e: 'e', ê: 'e', i: 'i', o: 'o', ô: 'o', ơ: 'o', u: 'u', ư: 'u', y: 'y',
};
const MODIFIED = new Set(['ă', 'â', 'ê', 'ô', 'ơ', 'ư']);

interface Letter {
  base: string; // lower-case letter without tone (may carry hat/horn/breve, or đ)
  upper: boolean;
  tone: Tone;
}

function decompose(ch: string): Letter {
  const upper = ch !== ch.toLowerCase();
  const nfd = ch.toLowerCase().normalize('NFD');
  let tone: Tone = 0;
  let rest = '';
  for (const c of nfd) {
    const t = TONES.indexOf(c);
    if (t > 0) tone = t as Tone;
    else rest += c;
  }
  return { base: rest.normalize('NFC'), upper, tone };
}

function compose(l: Letter): string {
  const s = (l.base.normalize('NFD') + TONES[l.tone]).normalize('NFC');
  return l.upper ? s.toUpperCase() : s;
}

const isVowel = (l: Letter): boolean => l.base in SHAPE;

/** Index range [start, end) of the vowel cluster of a word's letters, with qu/gi handled. */
function vowelCluster(w: Letter[]): [number, number] | null {
  let start = w.findIndex(isVowel);
  if (start < 0) return null;
  let end = start;
  while (end < w.length && isVowel(w[end])) end++;
  // "qu": the u belongs to the consonant; "gi" followed by a vowel: so does the i.
  const prev = start > 0 ? w[start - 1].base : '';
  if (end - start > 1 && ((prev === 'q' && w[start].base === 'u') || (prev === 'g' && w[start].base === 'i'))) {
    start++;
  }
  return [start, end];
}

function tonePosition(w: Letter[]): number | null {
  const c = vowelCluster(w);
  if (!c) return null;
  const [start, end] = c;
  const n = end - start;
  for (let i = end - 1; i >= start; i--) {
    if (MODIFIED.has(w[i].base)) {
      // ươ: the tone goes on ơ (the last modified vowel), which this backwards scan finds first.
      return i;
    }
  }
  const hasFinal = end < w.length;
  if (n === 1) return start;
  if (hasFinal) return end - 1;
  if (n >= 3) return start + 1;
  // Modern placement (hoà, khoẻ, thuỷ: the spelling most of the national catalog uses).
  const pair = SHAPE[w[start].base] + SHAPE[w[start + 1].base];
  return pair === 'oa' || pair === 'oe' || pair === 'uy' ? start + 1 : start;
}

function currentTone(w: Letter[]): Tone {
  for (const l of w) if (l.tone) return l.tone;
  return 0;
}

function setTone(w: Letter[], tone: Tone): Letter[] {
  const cleared = w.map((l): Letter => ({ ...l, tone: 0 }));
  if (tone === 0) return cleared;
  const at = tonePosition(cleared);
  if (at === null) return w;
  cleared[at].tone = tone;
  return cleared;
}

/** Re-seat the tone after the word changed (a new vowel or final consonant moves it). */
function reseat(w: Letter[]): Letter[] {
  const t = currentTone(w);
  return t ? setTone(w, t) : w;
}

type Mod = 'hat' | 'horn' | 'breve' | 'dbar';

const HAT: Record<string, string> = { a: 'â', e: 'ê', o: 'ô' };
const HORN: Record<string, string> = { o: 'ơ', u: 'ư' };
const BREVE: Record<string, string> = { a: 'ă' };

/**
 * Apply a modifier to the word. Returns the new word, or null when nothing applies (the key is
 * then typed as a letter). `undo` is set when the modifier was already there and got removed.
 */
function applyMod(w: Letter[], mod: Mod, target?: string): { word: Letter[]; undo: boolean } | null {
  const word = w.map((l) => ({ ...l }));
  if (mod === 'dbar') {
    const i = word.findIndex((l) => l.base === 'd' || l.base === 'đ');
    if (i < 0 || word.slice(0, i).some(isVowel)) return null;
    const undo = word[i].base === 'đ';
    word[i].base = undo ? 'd' : 'đ';
    return { word, undo };
  }
  const table = mod === 'hat' ? HAT : mod === 'horn' ? HORN : BREVE;
  // Work on the vowels from the end; Telex aa/ee/oo name their vowel (target).
  for (let i = word.length - 1; i >= 0; i--) {
    const l = word[i];
    if (!isVowel(l)) continue;
    const shape = SHAPE[l.base];
    if (target && shape !== target) continue;
    if (mod === 'horn' && shape === 'o' && i > 0 && SHAPE[word[i - 1].base] === 'u') {
      // uo + w → ươ (and ươ + w undoes both)
      const undo = word[i].base === 'ơ' && word[i - 1].base === 'ư';
      word[i].base = undo ? 'o' : 'ơ';
      word[i - 1].base = undo ? 'u' : 'ư';
      return { word: reseat(word), undo };
    }
    if (mod === 'horn' && shape === 'u' && i + 1 < word.length && word[i + 1].base === 'ơ') {
      word[i].base = 'ư';
      return { word: reseat(word), undo: false };
    }
    const mapped = table[shape] as string | undefined;
    if (mapped === undefined) {
      if (target) return null;
      continue;
    }
    const undo = l.base === mapped;
    word[i].base = undo ? shape : mapped;
    return { word: reseat(word), undo };
  }
  return null;
}

function splitLastWord(text: string): [string, Letter[]] {
  const m = /[\p{L}\p{M}]*$/u.exec(text);
  const word = m ? m[0] : '';
  const head = text.slice(0, text.length - word.length);
  return [head, Array.from(word.normalize('NFC'), decompose)];
}

const join = (head: string, w: Letter[], tail = ''): string => (head + w.map(compose).join('') + tail).normalize('NFC');

/** Type one key (a single character) at the end of `text`, composing in the given mode. */
export function typeKey(text: string, key: string, mode: InputMode): string {
  if (mode === 'off' || key.length !== 1) return (text + key).normalize('NFC');
  // A space or a mark ends the word: it is never a final consonant that moves the tone
  // ("bảo " must not become "baỏ "). VNI's digits are its keys, so they go on.
  if (!/^[\p{L}0-9]$/u.test(key)) return (text + key).normalize('NFC');
  const [head, word] = splitLastWord(text.normalize('NFC'));
  const k = key.toLowerCase();
  const upper = key !== k;
  const literal = (): string => join(head, reseat([...word, { base: k, upper, tone: 0 }]));
  if (word.length === 0) {
    if (mode === 'telex' && k === 'w') return join(head, [{ base: 'ư', upper, tone: 0 }]);
    return (text + key).normalize('NFC');
  }

  const tones = mode === 'telex' ? TELEX_TONE : VNI_TONE;
  if (k in tones && word.some(isVowel)) {
    const tone = tones[k];
    const had = currentTone(word);
    if (tone === 0) return had ? join(head, setTone(word, 0)) : literal();
    if (had === tone) return join(head, setTone(word, 0), key); // "ass" → "as"
    return join(head, setTone(word, tone));
  }

  let mod: Mod | null = null;
  let target: string | undefined;
  if (mode === 'telex') {
    if (k === 'a' || k === 'e' || k === 'o') {
      // aa/ee/oo: only when that vowel is in the word's last vowel cluster.
      const c = vowelCluster(word);
      if (c && word.slice(c[0], c[1]).some((l) => SHAPE[l.base] === k)) {
        mod = 'hat';
        target = k;
      }
    } else if (k === 'w') {
      const last = word[word.length - 1];
      if (last.base === 'ư' && word.filter(isVowel).length === 1 && last.tone === 0) {
        // "w" typed ư after consonants ("tw" → "tư"); a second w takes it back: "tww" → "tw".
        return join(head, [...word.slice(0, -1), { base: 'w', upper: last.upper, tone: 0 }]);
      }
      const c = vowelCluster(word);
      const vowels = c ? word.slice(c[0], c[1]).map((l) => SHAPE[l.base]) : [];
      mod = vowels.includes('o') || vowels.includes('u') ? 'horn' : vowels.includes('a') ? 'breve' : null;
      if (!mod) {
        // "nw" → "nư": w after consonants types ư
        if (!word.some(isVowel)) return join(head, [...word, { base: 'ư', upper, tone: 0 }]);
      }
    } else if (k === 'd') {
      mod = 'dbar';
    }
  } else {
    if (k === '6') mod = 'hat';
    else if (k === '7') mod = 'horn';
    else if (k === '8') mod = 'breve';
    else if (k === '9') mod = 'dbar';
  }
  if (mod) {
    if (mod === 'dbar' && mode === 'telex' && word[word.length - 1].base !== 'd' && word[0].base !== 'đ') {
      return literal();
    }
    const r = applyMod(word, mod, target);
    if (r) return r.undo ? join(head, r.word, key) : join(head, r.word);
  }
  return literal();
}

/** The five tones a visible key applies: sắc, huyền, hỏi, ngã, nặng. */
export type ToneKey = 1 | 2 | 3 | 4 | 5;

/**
 * A visible tone key: puts `tone` on the word being typed (the last word of `text`) where
 * Vietnamese puts it, whatever the input mode; the same tone again takes it off, another one
 * replaces it. A word without a vowel is left as it is.
 */
export function applyTone(text: string, tone: ToneKey): string {
  const [head, word] = splitLastWord(text.normalize('NFC'));
  if (!word.some(isVowel)) return text.normalize('NFC');
  return join(head, setTone(word, currentTone(word) === tone ? 0 : tone));
}

/** Compose a whole string typed key by key (what the keyboard does; used by tests). */
export function composeText(keys: string, mode: InputMode): string {
  let out = '';
  for (const ch of keys) out = typeKey(out, ch, mode);
  return out;
}

/** Delete the last character (a whole composed letter). */
export function backspace(text: string): string {
  const chars = Array.from(text.normalize('NFC'));
  chars.pop();
  return chars.join('');
}
