/**
 * Rate limits count in windows that start on the clock's minute. A test that fills one waits, when
 * the minute is about to turn, for the next, so its requests all land in one window.
 */
export async function inOneRateWindow(neededMs = 3_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
