#!/bin/sh
# ship-version STORE REPLICA [KEEP]: copy the published version of the store STORE (with its
# summary and dumps) into the replica store REPLICA, switch REPLICA to it, keep KEEP versions.
# Run it after each publish, once per replica (docs/operations.md, "Running several replicas";
# tests/ops/test_replicas_live.py runs this file).
set -eu
STORE=$1 REPLICA=$2 KEEP=${3:-3}
V=$(basename "$(readlink "$STORE/current")")
mkdir -p "$REPLICA/versions" "$REPLICA/dumps"
# 1. Copy under a temporary name, then rename: a half-copied version is never seen.
for part in "versions/$V" "dumps/$V"; do
  if [ ! -e "$REPLICA/$part" ] && [ -e "$STORE/$part" ]; then
    rm -rf "$REPLICA/$part.part"
    cp -a "$STORE/$part" "$REPLICA/$part.part"
    mv -T "$REPLICA/$part.part" "$REPLICA/$part"
  fi
done
cp -a "$STORE/versions/$V.json" "$REPLICA/versions/.$V.json.part"
mv -T "$REPLICA/versions/.$V.json.part" "$REPLICA/versions/$V.json"
# 2. Switch: a new symlink renamed over `current` is atomic; the replica's newskg serve
#    serves the new version within a second, without a restart or a dropped request.
ln -sfn "versions/$V" "$REPLICA/.current.part"
mv -T "$REPLICA/.current.part" "$REPLICA/current"
# 3. Keep the newest KEEP versions (never the one just switched to), with their dumps.
ls "$REPLICA/versions" | grep -E '^[0-9]{8}T[0-9]+Z-[0-9a-f]+$' | sort | head -n -"$KEEP" |
  while read -r old; do
    [ "$old" = "$V" ] || rm -rf "$REPLICA/versions/$old" "$REPLICA/versions/$old.json" \
                                "$REPLICA/dumps/$old"
  done
echo "$REPLICA now serves $V"
