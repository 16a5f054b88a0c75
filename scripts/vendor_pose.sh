#!/usr/bin/env bash
# Copy the browser pose model the web player's camera coach runs into the package, from the pinned npm release.
# Run by hand only when moving to another release (the files are committed: a fresh machine needs no node), then
# update VERSION and INTEGRITY, run it, and commit what changed under the vendor folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

VERSION="0.5.1675469404"
# The registry's sha512 of that tarball (npm view @mediapipe/pose@VERSION dist.integrity): a changed file stops here.
INTEGRITY="sha512-DFZsNWTsSphRIZppnUCuunzBiHP2FdJXR9ehc7mMi4KG+oPaOH0Em3d6kr7Py+TSyTXC1doH88KcF28k2sBxsQ=="
DEST="src/backstretch/web/static/vendor/mediapipe-pose"
# What the lite landmark model needs with the SIMD WebAssembly build (every current browser has WebAssembly SIMD):
# the loader, the runtime, the graph, the packed assets that hold the person detector, and the lite model. The
# full and heavy models and the build without SIMD would add 34 MB for nothing the player uses.
FILES=(pose.js pose_solution_simd_wasm_bin.js pose_solution_simd_wasm_bin.wasm pose_solution_packed_assets_loader.js
       pose_solution_packed_assets.data pose_web.binarypb pose_landmark_lite.tflite)

command -v npm >/dev/null || { echo "vendor_pose.sh needs npm (Debian: apt-get install npm)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@mediapipe/pose@$VERSION" >/dev/null)
tarball="$work/mediapipe-pose-$VERSION.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
  echo "integrity mismatch for @mediapipe/pose@$VERSION: expected $INTEGRITY, got $actual" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work"
grep -q '"license": "Apache-2.0"' "$work/package/package.json" || { echo "the licence is no longer Apache-2.0" >&2; exit 1; }
rm -rf "$DEST"
mkdir -p "$DEST"
for f in "${FILES[@]}"; do install -m 0644 "$work/package/$f" "$DEST/$f"; done
cp /usr/share/common-licenses/Apache-2.0 "$DEST/LICENSE" 2>/dev/null \
  || { echo "no Apache-2.0 text at /usr/share/common-licenses (Debian's base-files); add LICENSE by hand" >&2; exit 1; }
cat > "$DEST/NOTICE" <<NOTE
@mediapipe/pose $VERSION (https://www.npmjs.com/package/@mediapipe/pose), by Google, under the Apache License 2.0
(the text is in LICENSE beside this file). Files copied unchanged from the npm tarball by scripts/vendor_pose.sh:
$(printf '  %s\n' "${FILES[@]}")
NOTE
du -sh "$DEST"
