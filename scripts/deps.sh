#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages a make target needs when they are missing.
# As root it runs apt-get; as another user it prints the exact command and stops.
set -eu
what=${1:-test}
build="gcc make pkg-config libyaml-dev liburcu-dev libssl-dev liblmdb-dev"
case "$what" in
  run)   pkgs="$build dnsutils" ;;
  test)  pkgs="$build libcmocka-dev python3-pytest python3-dnspython python3-cryptography knot knot-dnsutils bind9 bind9-utils bind9-dnsutils nsd dnsutils bird2 iproute2 prometheus frr exabgp procps" ;;
  bench) pkgs="$build knot knot-dnsutils nsd dnsperf valgrind python3-dnspython" ;;
  lab)   pkgs="$build bird2 iproute2 dnsutils python3-dnspython" ;;
  *) echo "deps.sh: unknown target $what" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages; run as root:" >&2
  echo "  apt-get install -y$missing" >&2
  exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# Package installs must not start services on the machine (knot, bind9, nsd, bird).
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; made_policy=1; fi
apt-get update -qq || true
apt-get install -y -qq --no-install-recommends $missing
[ "$made_policy" = 1 ] && rm -f "$policy"
exit 0
