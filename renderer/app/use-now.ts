/** The current time, re-read every `everyMs` while `ticking` (for elapsed times). */
import { useEffect, useState } from 'react';

export const CLOCK_TICK_MS = 1000;

export function useNow(ticking: boolean, everyMs = CLOCK_TICK_MS): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [ticking, everyMs]);
  return now;
}
