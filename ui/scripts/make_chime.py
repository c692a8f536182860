#!/usr/bin/env python3
"""Writes src/assets/chime.wav: the board's two-note "ding-dong" before each announcement.

A5 then E5, each a bell-like tone (fundamental plus two soft partials, exponential decay),
16 kHz mono 16-bit PCM, about 1.5 s and 48 KB. Run it again only to change the sound."""

import math
import struct
import wave
from pathlib import Path

RATE = 16_000
NOTES = [(880.0, 0.0), (659.25, 0.55)]  # (Hz, start in seconds)
LENGTH = 1.5
PARTIALS = [(1.0, 1.0), (2.0, 0.35), (3.0, 0.12)]  # (multiple, amplitude)


def sample(t: float) -> float:
    v = 0.0
    for freq, start in NOTES:
        dt = t - start
        if dt < 0:
            continue
        attack = min(1.0, dt / 0.01)  # 10 ms, no click
        env = attack * math.exp(-dt * 3.2)
        for mult, amp in PARTIALS:
            v += amp * env * math.sin(2 * math.pi * freq * mult * dt)
    # Fade the tail to silence.
    tail = max(0.0, min(1.0, (LENGTH - t) / 0.15))
    return v * tail


def main() -> None:
    n = int(RATE * LENGTH)
    raw = [sample(i / RATE) for i in range(n)]
    peak = max(abs(x) for x in raw) or 1.0
    frames = b"".join(struct.pack("<h", int(x / peak * 0.8 * 32767)) for x in raw)
    out = Path(__file__).resolve().parent.parent / "src" / "assets" / "chime.wav"
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(frames)
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
