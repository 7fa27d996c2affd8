#!/usr/bin/env bash
# Checks the deployment files as CI does: the systemd unit with
# `systemd-analyze verify` (its ExecStart pointed at a built binary) and the
# nginx site with `nginx -t` (inside a minimal nginx.conf, with a throwaway
# certificate in place of the real one).
# Usage: deploy/check.sh <path to the voimavara binary>
set -euo pipefail
cd "$(dirname "$0")"
binary="$(realpath "$1")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sed "s#/usr/local/bin/voimavara#$binary#" voimavara.service >"$work/voimavara.service"
systemd-analyze verify "$work/voimavara.service"
echo "systemd unit: ok"

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=voimavara.example.fi \
  -keyout "$work/privkey.pem" -out "$work/fullchain.pem" 2>/dev/null
sed "s#/etc/letsencrypt/live/voimavara.example.fi#$work#" nginx/voimavara.conf >"$work/site.conf"
cat >"$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log $work/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $work;
    proxy_temp_path $work;
    include $work/site.conf;
}
CONF
nginx -t -q -c "$work/nginx.conf" -p "$work"
echo "nginx site: ok"
