//! A small deterministic generator for the no-panic tests over arbitrary input (no extra
//! dependency, the same inputs on every run).

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// xorshift64*.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// Up to `max` characters, biased towards what the parsers look at: digits, separators,
    /// Vietnamese letters, and any other code point now and then.
    pub fn string(&mut self, max: usize) -> String {
        const PICK: &[char] = &[
            '0', '1', '2', '3', '7', '9', '|', '-', '.', '/', ' ', 'A', 'V', 'N', 'đ', 'Ệ', 'ư',
            '\u{301}', '\n', '\0', '?', '&', '=', '%',
        ];
        let len = self.below(max + 1);
        (0..len)
            .map(|_| match self.below(4) {
                0 => char::from_u32(self.below(0x11_0000) as u32).unwrap_or('x'),
                _ => PICK[self.below(PICK.len())],
            })
            .collect()
    }

    pub fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = self.below(max + 1);
        (0..len).map(|_| self.next() as u8).collect()
    }
}
