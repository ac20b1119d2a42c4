#!/bin/sh
# Installs a ChargeChain agent as a service on a fresh Raspberry Pi OS (Debian 13 "trixie" based) or Debian 13:
# Debian's Node.js 20, the libgpiod v2 tools, this repository in /opt/chargechain, the command, a key, the unit.
#
#   sudo deploy/install.sh pile      # the charging pile's Pi
#   sudo deploy/install.sh vehicle   # the car's Pi
#
# It never overwrites a config, key or password that is already there, so it can be run again to update the code.
set -eu

role=${1:-}
case $role in
  pile) agent=pile-agent config=pile.json example=apps/pile-agent/examples/pile.pi.json ;;
  vehicle) agent=vehicle-agent config=car.json example=apps/vehicle-agent/examples/car.pi.json ;;
  *) echo "usage: sudo $0 pile|vehicle" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo $0 $role)" >&2; exit 2; }

source=$(cd "$(dirname "$0")/.." && pwd)
target=/opt/chargechain
etc=/etc/chargechain

echo "== packages: Node.js, npm, the libgpiod v2 tools, and a compiler for the optional SocketCAN module"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm gpiod build-essential python3 rsync

node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' || {
  echo "Node.js $(node -v) is too old: ChargeChain needs 20.19 or newer (Debian 13 ships it)." >&2
  exit 1
}
case $(gpioset --version | head -n 1) in
  *" v1."*|*" v2.0"*)
    echo "gpioset is $(gpioset --version | head -n 1): ChargeChain needs libgpiod 2.1 or newer (Debian 13's gpiod)." >&2
    exit 1 ;;
esac

echo "== user chargechain (serial ports and GPIO)"
getent group gpio >/dev/null || groupadd --system gpio
id chargechain >/dev/null 2>&1 || useradd --system --home-dir /var/lib/chargechain --shell /usr/sbin/nologin chargechain
usermod -a -G dialout,gpio chargechain

echo "== code in $target"
mkdir -p "$target"
rsync -a --delete --exclude node_modules --exclude .git "$source/" "$target/"
(cd "$target" && npm ci --no-audit --no-fund)
ln -sf "$target/node_modules/.bin/$agent" "/usr/local/bin/$agent"

echo "== config and key in $etc"
install -d -m 0750 -o root -g chargechain "$etc"
if [ ! -e "$etc/$config" ]; then
  install -m 0640 -o root -g chargechain "$target/$example" "$etc/$config"
  echo "   wrote $etc/$config from the example: edit it (chain, pins, ports) before starting"
fi
password="$etc/$agent.key-password"
if [ ! -e "$password" ]; then
  umask 077
  head -c 32 /dev/urandom | base64 > "$password"
  chown root:root "$password"
fi
keystore=$(node -e 'const c = require(process.argv[1]); console.log(c.key && c.key.keystore || "")' "$etc/$config")
if [ -n "$keystore" ] && [ ! -e "$keystore" ]; then
  "/usr/local/bin/$agent" keygen "$keystore" --password-file "$password"
  chown root:chargechain "$keystore"
  chmod 0640 "$keystore"
fi

echo "== hardware watchdog: the Pi reboots if the whole system hangs"
install -d /etc/systemd/system.conf.d
printf '[Manager]\nRuntimeWatchdogSec=15\n' > /etc/systemd/system.conf.d/chargechain-watchdog.conf

echo "== service chargechain-$agent"
install -m 0644 "$target/deploy/systemd/chargechain-$agent.service" /etc/systemd/system/
systemctl daemon-reload
systemctl enable "chargechain-$agent.service"

cat <<NEXT

Installed. Next:
  1. Edit $etc/$config (see deploy/README.md): chain RPC URL, deployment file, pins, serial ports.
  2. Check each device:  $agent probe …   (deploy/README.md lists them)
  3. Register the agent's address (printed above by keygen) on chain for this pile or car.
  4. Start it:  systemctl start chargechain-$agent ;  follow it:  journalctl -u chargechain-$agent -f
NEXT
