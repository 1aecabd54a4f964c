import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU time of processes, read from `/proc/<pid>/stat` (Linux). CPU time is steadier than wall time
 * on a shared machine: a process that waits for a core does not bill the wait.
 */

/** user + system CPU of a process (all its threads), in clock ticks, from the text of `/proc/<pid>/stat`. */
export function parseCpuTicks(statText: string): number {
  // Field 2 (the command name) is in parentheses and may hold spaces or parentheses itself.
  const afterName = statText.slice(statText.lastIndexOf(')') + 2).trim().split(/\s+/);
  // Fields 14 (utime) and 15 (stime), counted from 1, are 11 and 12 after the name.
  const utime = Number(afterName[11]);
  const stime = Number(afterName[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`not a /proc/<pid>/stat line: ${statText.slice(0, 80)}`);
  return utime + stime;
}

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks a second (`getconf CLK_TCK`), 100 on practically every Linux. */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU milliseconds a process has used so far; undefined when it is gone or there is no /proc. */
export function readCpuMs(pid: number): number | undefined {
  try {
    return (parseCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8')) * 1000) / clockTicksPerSecond();
  } catch {
    return undefined;
  }
}

/** The processes whose CPU a measurement bills, by role: `temporal`, `worker`, `api`. */
export type CpuRoles = Partial<Record<CpuRole, number>>;
export type CpuRole = 'temporal' | 'worker' | 'api';
export type CpuSnapshot = Partial<Record<CpuRole, number>>;

export function snapshotCpu(pids: CpuRoles): CpuSnapshot {
  const snapshot: CpuSnapshot = {};
  for (const [role, pid] of Object.entries(pids) as Array<[CpuRole, number | undefined]>) {
    const ms = pid === undefined ? undefined : readCpuMs(pid);
    if (ms !== undefined) snapshot[role] = ms;
  }
  return snapshot;
}

/** CPU ms per turn for each role, and `temporalSide` = server + worker, the cost of durability. */
export interface CpuPerTurn {
  temporal?: number;
  worker?: number;
  api?: number;
  /** Temporal server plus worker: what issue 12's "Temporal CPU per turn" counts. */
  temporalSide?: number;
  turns: number;
}

/**
 * CPU between two snapshots divided by the turns answered between them, to 0.1 ms. A role missing
 * from either snapshot (no such process, or the process went away) has no figure.
 */
export function cpuPerTurn(before: CpuSnapshot, after: CpuSnapshot, turns: number): CpuPerTurn {
  const result: CpuPerTurn = { turns };
  if (turns <= 0) return result;
  for (const role of ['temporal', 'worker', 'api'] as const) {
    const from = before[role];
    const to = after[role];
    if (from !== undefined && to !== undefined && to >= from) result[role] = round((to - from) / turns);
  }
  if (result.temporal !== undefined && result.worker !== undefined) result.temporalSide = round(result.temporal + result.worker);
  return result;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
