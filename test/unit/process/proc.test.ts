import { describe, expect, it } from 'vitest';
import { leftoverProcesses, type ProcEntry, parseStat, readProcTable } from '../../../src/process/proc.js';

const e = (pid: number, ppid: number, pgrp: number, state = 'S'): ProcEntry => ({ pid, ppid, pgrp, state });

describe('parseStat', () => {
  it('reads state, ppid and pgrp past a command holding spaces and parentheses', () => {
    expect(parseStat(42, '42 (my (odd) cmd) S 1 42 42 0 -1 4194560')).toEqual({ pid: 42, state: 'S', ppid: 1, pgrp: 42 });
    expect(parseStat(1, 'garbage')).toBeUndefined();
  });
});

describe('leftoverProcesses', () => {
  // 1 = hookvisor; 10 = main (group 10) with child 11; 20 = orphan re-parented to hookvisor (own session 20)
  // with child 21; 30 = a running task with child 31; 40 = a zombie; 50 = main's group member elsewhere.
  const table = [
    e(1, 0, 1),
    e(10, 1, 10),
    e(11, 10, 10),
    e(20, 1, 20),
    e(21, 20, 20),
    e(30, 1, 30),
    e(31, 30, 30),
    e(40, 1, 40, 'Z'),
    e(50, 99, 10),
    e(99, 0, 99),
  ];

  it('finds main group members anywhere and every descendant outside running tasks, but no zombie', () => {
    const pids = leftoverProcesses(table, 10, 1, new Set([30]))
      .map((p) => p.pid)
      .sort((a, b) => a - b);
    expect(pids).toEqual([10, 11, 20, 21, 50]);
  });

  it("never lists a running task that took main's old pid, nor its group, and once main's group was seen empty never lists that group again", () => {
    const emptied = new Set<number>();
    // Main (10) is gone and its group empty: the look remembers it.
    expect(leftoverProcesses([e(1, 0, 1), e(20, 1, 20)], 10, 1, new Set(), emptied).map((p) => p.pid)).toEqual([20]);
    // A task now runs as pid 10, leading group 10 with a child; and an unrelated process joined a group 10.
    const later = [e(1, 0, 1), e(20, 1, 20), e(10, 1, 10), e(12, 10, 10), e(77, 99, 10), e(99, 0, 99)];
    expect(leftoverProcesses(later, 10, 1, new Set([10]), emptied).map((p) => p.pid)).toEqual([20]);
  });

  it('is empty when only tasks and zombies remain', () => {
    expect(leftoverProcesses([e(1, 0, 1), e(30, 1, 30), e(40, 1, 40, 'Z')], 10, 1, new Set([30]))).toEqual([]);
  });
});

describe('readProcTable', () => {
  it('sees this very process with its real parent', () => {
    const me = readProcTable()?.find((p) => p.pid === process.pid);
    expect(me).toMatchObject({ ppid: process.ppid, state: expect.stringMatching(/[RS]/) });
  });
});
