#!/bin/sh
# Main for "time to main" and memory: the moment it runs (ns since the epoch), then PID 1's VmHWM and RssAnon (kB).
date +%s%N > "$OUT"
for f in VmHWM RssAnon; do grep "^$f" /proc/1/status | tr -s ' \t' ' ' | cut -d' ' -f2 >> "$OUT"; done
