# The classic app from "SIGTERM isn't sent to the application process": it cleans up on SIGTERM.
import signal, sys, time

def stop(signum, frame):
    print("app: SIGTERM received, flushing and exiting", flush=True)
    sys.exit(0)

signal.signal(signal.SIGTERM, stop)
print("app: running", flush=True)
while True:
    time.sleep(1)
