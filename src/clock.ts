/** The current time, passed in so tests can move it (lock expiry, idle timeouts, ordering). */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}
