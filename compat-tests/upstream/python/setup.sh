# compat-tests/upstream/python/setup.sh: sourced by the Python suites
# (suites/sqlalchemy.sh, suites/django.sh). Defines
#   upstream_venv          -> sets $py: the venv's python, built from
#                             requirements.txt with the machine's python3 and
#                             cached under $UPSTREAM_CACHE (rebuilt when a pin
#                             changes)
#   upstream_sdist NAME    -> sets $src: NAME's sdist, at the version pinned in
#                             requirements.txt, unpacked under $UPSTREAM_CACHE
pydir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

upstream_venv() {
  local venv=$UPSTREAM_CACHE/python-venv
  local key
  key=$( (python3 --version; cat "$pydir/requirements.txt") | sha256sum | cut -c1-16)
  if [ "$(cat "$venv/.stamp" 2>/dev/null)" != "$key" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$pydir/requirements.txt"
    echo "$key" >"$venv/.stamp"
  fi
  py=$venv/bin/python
}

upstream_sdist() {
  local name=$1 version
  version=$(sed -n "s/^$name==\([^ ]*\)$/\1/ip" "$pydir/requirements.txt")
  [ -n "$version" ] || { echo "setup.sh: no pin for $name in requirements.txt" >&2; return 1; }
  src=$UPSTREAM_CACHE/src/$name-$version
  if [ ! -f "$src/.complete" ]; then
    local dl=$UPSTREAM_CACHE/sdist
    mkdir -p "$dl" "$UPSTREAM_CACHE/src"
    # --no-binary: the source distribution, which holds the test suites.
    "$py" -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
      "$name==$version" -d "$dl"
    local archive
    archive=$(ls "$dl"/*.tar.gz | grep -i "/${name}-${version}.tar.gz$" | head -n 1)
    [ -n "$archive" ] || { echo "setup.sh: $name $version sdist not downloaded" >&2; return 1; }
    rm -rf "$src" && mkdir -p "$src"
    tar -xzf "$archive" -C "$src" --strip-components=1
    touch "$src/.complete"
  fi
}
