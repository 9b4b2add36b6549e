#!/bin/sh
# Main that sleeps $1 s and reports PID 1's CPU ticks and context switches over that time, then PID 1's
# private (anon) memory in kB. It first gives PID 1 $2 seconds (default 2) to settle: the figure is about
# idling, not about start-up.
snap() {
  set -- $(cat /proc/1/stat)
  cpu=$(( ${14} + ${15} ))
  ctx=$(awk '/ctxt_switches/ { n += $2 } END { print n }' /proc/1/status)
  echo "$cpu $ctx"
}
sleep "${2:-2}"
before=$(snap)
sleep "$1"
after=$(snap)
echo "$before $after $(awk '/^RssAnon/ { print $2 }' /proc/1/status)"
