#!/usr/bin/env bash
# The Python and Node shims as packages people install, checked offline:
#   Python: `python -m build` makes an sdist and a wheel (the in-tree standard-library backend,
#           `requires = []`), the wheel and `pip install ./shims/python` install into fresh venvs
#           without an index and import, the installed wheel carries py.typed, and
#           `mypy --strict` passes on the shim, its build backend and a typed example checked
#           against the installed wheel.
#   Node:   `tsc --strict` on the TypeScript example against glidepath-shim.d.ts, `npm pack` lists
#           exactly the package's files, and the packed tarball installs offline into a fresh
#           project where it imports by name and the example type-checks against node_modules.
#
#   bash scripts/check-shim-packages.sh
#
# Installs nothing on the system: it needs Debian's python3-build (the `build` module for
# /usr/bin/python3), mypy and node-typescript (tsc), plus python3 with venv and npm. Temporary
# files live in one mktemp directory, removed on exit. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

work="$(mktemp -d /tmp/shim-packages.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export npm_config_cache="$work/npm-cache" npm_config_update_notifier=false npm_config_fund=false \
  npm_config_audit=false PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
checks=0
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "ok: $*"; }

# Debian's python3 has the build module (python3-build); python3 on PATH may be another one.
build_python="${BUILD_PYTHON:-/usr/bin/python3}"
venv_python="${VENV_PYTHON:-python3}"
for tool in "$build_python" "$venv_python" mypy tsc node npm; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install python3-build mypy node-typescript)"
done
"$build_python" -c 'import build' 2>/dev/null || fail "$build_python has no 'build' module (apt-get install python3-build)"

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' shims/python/pyproject.toml)"
[[ -n $version ]] || fail "no version in shims/python/pyproject.toml"

# Building must not write into the source tree (no build/, dist/, *.egg-info).
tree_listing() { find shims/python -path '*/__pycache__' -prune -o -path '*/.mypy_cache' -prune -o -print | sort; }
tree_listing >"$work/tree-before"

echo "== python: python -m build (sdist, then the wheel from the sdist)"
isolation=()
"$build_python" -c 'import ensurepip' 2>/dev/null || isolation=(--no-isolation)  # no python3-venv: nothing to isolate anyway
"$build_python" -m build "${isolation[@]}" --outdir "$work/dist" shims/python >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; fail "python -m build shims/python"; }
wheel="$work/dist/glidepath_shim-$version-py3-none-any.whl"
sdist="$work/dist/glidepath_shim-$version.tar.gz"
[[ -f $wheel && -f $sdist ]] || { ls -l "$work/dist" >&2; fail "expected $(basename "$wheel") and $(basename "$sdist")"; }
"$venv_python" - "$wheel" <<'EOF' || fail "wheel contents"
import sys, zipfile
names = sorted(zipfile.ZipFile(sys.argv[1]).namelist())
want = {"glidepath_shim/__init__.py", "glidepath_shim/py.typed"}
missing = want - set(names)
extra = [n for n in names if not (n in want or ".dist-info/" in n)]
if missing or extra:
    sys.exit("wheel: missing %s, unexpected %s" % (sorted(missing), extra))
EOF
ok "built $(basename "$sdist") and $(basename "$wheel") ($(stat -c %s "$wheel") bytes: the module, py.typed, metadata)"

echo "== python: the wheel installs into a fresh venv without an index, and imports"
"$venv_python" -m venv "$work/venv"
"$work/venv/bin/pip" install --no-index --quiet "$wheel" || fail "pip install the wheel"
import_check='
import os, sys, glidepath_shim as g
assert g.__file__.startswith(sys.prefix), g.__file__
assert os.path.exists(os.path.join(os.path.dirname(g.__file__), "py.typed"))
assert g.__version__ == sys.argv[1], g.__version__
shim = g.GlidepathShim("http://127.0.0.1:9", "chat-completions", baseline="openai", candidate="holysheep")
assert shim.route("merchant-42") == "openai" and shim.is_error(503) and not shim.is_error(401)
assert g.bucket("chat-completions", "merchant-42") == 2724
print(g.__file__)
'
(cd "$work" && "$work/venv/bin/python" -c "$import_check" "$version") || fail "import from the installed wheel"
ok "pip install <wheel> + import glidepath_shim"

echo "== python: pip install ./shims/python (the source tree) works offline too"
"$venv_python" -m venv "$work/venv-src"
"$work/venv-src/bin/pip" install --no-index --quiet ./shims/python || fail "pip install ./shims/python"
(cd "$work" && "$work/venv-src/bin/python" -c "$import_check" "$version") || fail "import after pip install ./shims/python"
tree_listing >"$work/tree-after"
diff "$work/tree-before" "$work/tree-after" >&2 || fail "building or installing changed files in shims/python"
ok "pip install ./shims/python + import glidepath_shim"

echo "== python: mypy --strict"
mypy --strict --cache-dir "$work/mypy-cache" shims/python/glidepath_shim.py shims/python/build_backend/glidepath_build.py \
  || fail "mypy --strict on the shim and its build backend"
(cd "$work" && mypy --strict --cache-dir "$work/mypy-cache-2" --python-executable "$work/venv/bin/python" \
  "$root/shims/python/examples/typed_app.py") || fail "mypy --strict on examples/typed_app.py against the installed wheel"
ok "mypy --strict: shim, build backend, typed example against the installed wheel (py.typed)"

echo "== node: tsc --strict on the TypeScript example against glidepath-shim.d.ts"
tsc --strict -p shims/node || fail "tsc --strict -p shims/node"
ok "tsc --strict -p shims/node ($(tsc --version))"

echo "== node: npm pack"
(cd shims/node && npm pack --dry-run --json --offline 2>"$work/pack.err") >"$work/pack.json" \
  || { cat "$work/pack.err" >&2; fail "npm pack --dry-run"; }
node -e '
  const [p] = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const files = p.files.map((f) => f.path).sort().join(" ");
  const want = "README.md glidepath-shim.d.ts glidepath-shim.mjs package.json";
  if (p.name !== "glidepath-shim" || files !== want) { console.error(`packed ${p.name}: ${files}; want ${want}`); process.exit(1); }
  console.log(`${p.filename}: ${p.entryCount} files, ${p.size} bytes`);
' "$work/pack.json" || fail "npm pack contents"
(cd shims/node && npm pack --offline --silent --pack-destination "$work" >/dev/null) || fail "npm pack"
ok "npm pack: exactly the shim, its declarations, README, package.json"

echo "== node: the tarball installs offline into a fresh project, imports by name, the example type-checks"
mkdir "$work/app"
echo '{"name": "app", "private": true, "type": "module"}' >"$work/app/package.json"
(cd "$work/app" && npm install --offline --silent "$work/glidepath-shim-$version.tgz") || fail "npm install the tarball"
(cd "$work/app" && node --input-type=module -e '
  import { GlidepathShim, bucket } from "glidepath-shim";
  const shim = new GlidepathShim({ server: "http://127.0.0.1:9", migration: "chat-completions", baseline: "openai", candidate: "holysheep" });
  if (bucket("chat-completions", "merchant-42") !== 2724 || shim.route("k") !== "openai" || !shim.isError(503) || shim.isError(401)) process.exit(1);
') || fail "import glidepath-shim from node_modules"
cp shims/node/examples/typed-app.ts "$work/app/"
(cd "$work/app" && tsc --strict --noEmit --target es2022 --module node16 --moduleResolution node16 --lib es2022,dom typed-app.ts) \
  || fail "tsc --strict on the example against the installed package"
ok "npm install <tarball> + import by name + tsc --strict against node_modules"

echo "shim packages: $checks checks passed"
