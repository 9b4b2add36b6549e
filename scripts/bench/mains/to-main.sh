#!/bin/sh
# Main for "time to main" and "peak RSS": the moment it runs (ns since the epoch), then PID 1's VmHWM.
date +%s%N > "$OUT"
grep VmHWM /proc/1/status | tr -s ' \t' ' ' | cut -d' ' -f2 >> "$OUT"
