#!/bin/sh
# A private desktop session for GUI tests. Run it as
#   xvfb-run -a dbus-run-session -- sh session-driver.sh <workdir> [sni] [dunst]
# It starts the asked-for helpers on the session's X display and D-Bus (sni: status-notifier-watcher, the
# tray host side of StatusNotifierItem; dunst: a notification daemon plus dbus-monitor writing every
# org.freedesktop.Notifications call to <workdir>/monitor.log), waits until they own their bus names, prints
# the session's environment and "READY", then waits for stdin to close. The test that spawned it closes stdin
# to end the session: the helpers are killed by the PIDs recorded here (platform-notes §13), then
# dbus-run-session ends the bus and xvfb-run the X server.
set -u
WORK=$1
shift
PIDS=""

has_owner() {
  gdbus call --session -d org.freedesktop.DBus -o /org/freedesktop/DBus \
    -m org.freedesktop.DBus.NameHasOwner "$1" 2>/dev/null | grep -q true
}

wait_for() { # <what> <command…>: up to 10 s
  what=$1
  shift
  i=0
  until "$@"; do
    i=$((i + 1))
    if [ "$i" -gt 100 ]; then
      echo "FAILED waiting for $what"
      kill $PIDS 2>/dev/null
      exit 3
    fi
    sleep 0.1
  done
}

for svc in "$@"; do
  case $svc in
    sni)
      status-notifier-watcher >"$WORK/watcher.log" 2>&1 &
      PIDS="$PIDS $!"
      wait_for status-notifier-watcher has_owner org.kde.StatusNotifierWatcher
      ;;
    dunst)
      dbus-monitor --session "interface='org.freedesktop.Notifications'" >"$WORK/monitor.log" 2>&1 &
      PIDS="$PIDS $!"
      # dbus-monitor prints the bus's NameAcquired signal once it is subscribed.
      wait_for dbus-monitor grep -q NameAcquired "$WORK/monitor.log"
      dunst -config /dev/null >"$WORK/dunst.log" 2>&1 &
      PIDS="$PIDS $!"
      wait_for dunst has_owner org.freedesktop.Notifications
      ;;
    *)
      echo "FAILED unknown service $svc"
      exit 2
      ;;
  esac
done

echo "ENV DISPLAY=$DISPLAY"
echo "ENV XAUTHORITY=${XAUTHORITY:-}"
echo "ENV DBUS_SESSION_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS"
echo "PIDS$PIDS"
echo READY
cat >/dev/null
kill $PIDS 2>/dev/null
wait
echo STOPPED
