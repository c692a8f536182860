// The board's announcements: one at a time, in the order called. Each shows the called number
// large ("Mời công dân có số A023 đến quầy số 3") for a few seconds and, unless sound is off,
// plays the chime then the server's spoken WAV. A voice the server cannot make (503) is skipped
// silently; a browser that blocks autoplay is reported (the board then shows "Chạm để bật âm
// thanh") and the visual part goes on regardless.

import chimeUrl from '../assets/chime.wav';
import { announcementUrl } from '../office';

export type AnnouncementStatus = 'queued' | 'playing' | 'done';

/** What happened to an announcement's sound. */
export type SoundOutcome = 'pending' | 'played' | 'muted' | 'blocked' | 'voice_unavailable';

export interface Announcement {
  event_id: number;
  type: 'called' | 'recalled';
  number: string;
  counter_id: string;
  counter_number: number;
  status: AnnouncementStatus;
  sound: SoundOutcome;
  queued_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface AnnouncerHooks {
  /** Show this announcement (flash) until `hide`. */
  show(a: Announcement): void;
  hide(a: Announcement): void;
  /** Autoplay blocked (true) or allowed again (false). */
  blocked(isBlocked: boolean): void;
  muted(): boolean;
}

/** How long a called number stays flashing at least; shorter when calls pile up. */
const FLASH_MS = 6000;
const FLASH_BUSY_MS = 3500;
const GAP_MS = 400;
/** Longest a clip may take before it is given up (a stalled download). */
const CLIP_LIMIT_MS = 20_000;
/** Records kept for `window.__board` (the newest). */
const KEEP = 50;

type Outcome = 'ended' | 'blocked' | 'error';

const sleep = (ms: number): Promise<void> =>
  new Promise((r) => {
    window.setTimeout(r, ms);
  });

export class Announcer {
  private readonly records: Announcement[] = [];
  private readonly seen = new Set<number>();
  private readonly player = new Audio();
  private running = false;
  private isBlocked = false;

  constructor(private readonly hooks: AnnouncerHooks) {
    this.player.preload = 'auto';
  }

  /** Every record, oldest first (copies). */
  list(): Announcement[] {
    return this.records.map((r) => ({ ...r }));
  }

  get audioBlocked(): boolean {
    return this.isBlocked;
  }

  /** Queues the announcement of a called/recalled event, once per event id. */
  enqueue(a: Pick<Announcement, 'event_id' | 'type' | 'number' | 'counter_id' | 'counter_number'>): void {
    if (this.seen.has(a.event_id)) return;
    this.seen.add(a.event_id);
    this.records.push({ ...a, status: 'queued', sound: 'pending', queued_at: Date.now(), started_at: null, finished_at: null });
    while (this.records.length > KEEP && this.records[0].status === 'done') this.records.shift();
    if (!this.running) void this.run();
  }

  /** Probes whether the browser lets this page play sound without a touch (silent clip). */
  async probe(): Promise<void> {
    const a = new Audio(chimeUrl);
    a.volume = 0;
    try {
      await a.play();
      a.pause();
      this.setBlocked(false);
    } catch (e) {
      if (e instanceof DOMException && e.name === 'NotAllowedError') this.setBlocked(true);
    }
  }

  /** Call from a click handler (a user gesture): plays the chime, which unblocks autoplay. */
  unlock(): void {
    const a = new Audio(chimeUrl);
    a.play().then(
      () => {
        this.setBlocked(false);
      },
      (e: unknown) => {
        if (e instanceof DOMException && e.name === 'NotAllowedError') this.setBlocked(true);
      },
    );
  }

  /** Sound switched off: stop what is playing now (the flash goes on). */
  silence(): void {
    this.player.pause();
  }

  private setBlocked(b: boolean): void {
    if (this.isBlocked === b) return;
    this.isBlocked = b;
    this.hooks.blocked(b);
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      for (;;) {
        const next = this.records.find((r) => r.status === 'queued');
        if (!next) break;
        await this.announce(next);
        await sleep(GAP_MS);
      }
    } finally {
      this.running = false;
    }
  }

  private async announce(a: Announcement): Promise<void> {
    a.status = 'playing';
    a.started_at = Date.now();
    this.hooks.show(a);
    a.sound = await this.sound(a);
    const backlog = this.records.some((r) => r.status === 'queued');
    const rest = (backlog ? FLASH_BUSY_MS : FLASH_MS) - (Date.now() - a.started_at);
    if (rest > 0) await sleep(rest);
    a.status = 'done';
    a.finished_at = Date.now();
    this.hooks.hide(a);
  }

  private async sound(a: Announcement): Promise<SoundOutcome> {
    if (this.hooks.muted()) return 'muted';
    const chime = await this.play(chimeUrl);
    if (chime === 'blocked') return 'blocked';
    if (this.hooks.muted()) return 'muted';
    const voice = await this.play(announcementUrl(a.event_id));
    if (voice === 'blocked') return 'blocked';
    if (this.hooks.muted()) return 'muted';
    return voice === 'ended' ? 'played' : 'voice_unavailable';
  }

  /** Plays one clip to its end; 'error' for a clip that cannot load (503) or stalls. */
  private play(url: string): Promise<Outcome> {
    const p = this.player;
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const finish = (o: Outcome): void => {
        if (settled) return;
        settled = true;
        window.clearTimeout(timer);
        p.removeEventListener('ended', onEnded);
        p.removeEventListener('error', onError);
        p.removeEventListener('pause', onPause);
        if (o !== 'ended') p.pause();
        if (o === 'blocked') this.setBlocked(true);
        else if (o === 'ended') this.setBlocked(false);
        resolve(o);
      };
      const onEnded = (): void => {
        finish('ended');
      };
      const onError = (): void => {
        finish('error');
      };
      // Sound switched off mid-clip (silence()).
      const onPause = (): void => {
        if (!p.ended) finish('error');
      };
      const timer = window.setTimeout(() => {
        finish('error');
      }, CLIP_LIMIT_MS);
      p.addEventListener('ended', onEnded);
      p.addEventListener('error', onError);
      p.src = url;
      p.play().then(
        () => {
          p.addEventListener('pause', onPause);
        },
        (e: unknown) => {
          finish(e instanceof DOMException && e.name === 'NotAllowedError' ? 'blocked' : 'error');
        },
      );
    });
  }
}
