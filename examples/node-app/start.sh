#!/bin/sh
# The broken way: a start script that runs the app as its child. As PID 1 this shell has no SIGTERM
# handler, so the kernel drops `docker stop`'s SIGTERM; the app never hears it and is SIGKILLed after
# the timeout, mid-request. (`exec node app.js` would help the app, but still run no cleanup.)
echo "start.sh: preparing"
node "$(dirname "$0")/app.js"
