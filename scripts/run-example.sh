#!/bin/sh
# SPDX-License-Identifier: MIT
# `make run`: serves examples/example.com.zone on 127.0.0.1@5300 (and ::1)
# in the foreground; Ctrl-C stops it.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin="${ANYNS_BUILD:-$root/build}/anynsd"
conf="$root/examples/anynsd.yaml"
"$bin" -c "$conf" --check
echo
echo "anynsd serves example.com on 127.0.0.1@5300; try:"
echo "  dig @127.0.0.1 -p 5300 www.example.com A"
echo "  dig @127.0.0.1 -p 5300 +tcp ftp.example.com A"
echo "  dig @127.0.0.1 -p 5300 foo.apps.example.com TXT"
echo "  dig @127.0.0.1 -p 5300 +nsid example.com MX"
echo "  dig @127.0.0.1 -p 5300 CH TXT id.server"
echo "Ctrl-C stops it; kill -HUP <pid> reloads the zone file."
echo
exec "$bin" -c "$conf"
