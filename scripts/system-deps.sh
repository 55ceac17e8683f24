#!/usr/bin/env bash
# Installs graphviz and Chromium with apt when they are missing and we may (root on Debian).
# Without root a local run goes on: the diagram falls back to the graphviz-pure wheel and the
# browser tests skip, saying so; under CI=true a missing browser fails the run instead.
set -u
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing with apt: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null || {
    echo "apt-get install ${missing[*]} failed" >&2; exit 1; }
else
  echo "note: not installed (no root/apt): ${missing[*]}; diagrams use graphviz-pure, browser tests skip" >&2
fi
exit 0
