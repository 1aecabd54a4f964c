/**
 * Calls `onOrphaned` once when the process that started this one goes away (`npm start` killed,
 * its terminal closed): the parent's pid changes when the kernel re-parents an orphan. Without it,
 * the app and the servers it started would go on serving with nobody to stop them.
 */
export function watchForOrphaning(onOrphaned: () => void, intervalMs = 1_000): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
