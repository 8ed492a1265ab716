#!/usr/bin/env python3
"""Stalls one thread of a running process, as a hung driver or a deadlock would, while
its other threads run on: ptrace seizes and interrupts just that thread, and lets it
go when this script ends (a tracer's exit detaches it).

  stall_thread.py --pid PID --thread NAME --seconds S

NAME is the thread's name as /proc/PID/task/*/comm shows it. Needs root (or ptrace
rights over the process)."""
import argparse, ctypes, os, sys, time

PTRACE_SEIZE, PTRACE_INTERRUPT = 0x4206, 0x4207


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--thread", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    args = parser.parse_args()
    tids = [int(tid) for tid in os.listdir(f"/proc/{args.pid}/task")
            if open(f"/proc/{args.pid}/task/{tid}/comm").read().strip() == args.thread]
    if not tids:
        sys.exit(f"stall_thread: no thread named {args.thread!r} in process {args.pid}")
    libc = ctypes.CDLL(None, use_errno=True)
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
    for tid in tids:
        if libc.ptrace(PTRACE_SEIZE, tid, None, None) != 0 or libc.ptrace(PTRACE_INTERRUPT, tid, None, None) != 0:
            sys.exit(f"stall_thread: ptrace of thread {tid}: {os.strerror(ctypes.get_errno())}")
    print(f"stall_thread: stalled {len(tids)} thread(s) named {args.thread} for {args.seconds} s", flush=True)
    time.sleep(args.seconds)


if __name__ == "__main__":
    main()
