#!/bin/sh
# A start script that prepares, then execs the app: node replaces this shell, so main's status is the app's
# own. The trap is the shell form (Dockerfile.broken): `/bin/sh -c ./start.sh` stays PID 1 with no SIGTERM
# handler, the kernel drops `docker stop`'s SIGTERM, and the app is SIGKILLed after the timeout, mid-request.
echo "start.sh: preparing"
exec node "$(dirname "$0")/app.js"
