#!/usr/bin/env bash
# Proves the packages install and work for a plain user (run by .ci/run):
#  1. `dotnet pack`s MLNet.Recurrent.Core, MLNet.Recurrent and MLNet.Recurrent.Onnx (the tree's Release build) into a temporary folder
#     with a unique prerelease version (so no package cached by an earlier run can be the one tested; the consumer
#     also checks its DLLs are byte for byte the ones just built) and checks what is inside
#     (README, XML docs, symbols, license, repository, the Microsoft.ML range);
#  2. for each ML.NET version, copies tests/PackageConsumer (outside the solution, package references only)
#     into the temporary folder, restores it from that package folder (added beside the machine's own source)
#     into a temporary packages folder, trains a tiny classifier, exports it to ONNX and runs that in ONNX Runtime
#     against ML.NET's scores, saves it, then loads it and predicts in a new process.
# Usage: build/check-packages.sh [ML.NET version ...]    (default: 5.0.1 6.0.0)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ $# -gt 0 ]; then mlnet_versions=("$@"); else mlnet_versions=(5.0.1 6.0.0); fi
work="$(mktemp -d "${TMPDIR:-/tmp}/mlnet-recurrent-packages.XXXXXX")"
trap 'rm -rf "$work"' EXIT

fail() { echo "check-packages: FAILED: $*" >&2; exit 1; }

prefix="$(dotnet msbuild "$root/src/MLNet.Recurrent/MLNet.Recurrent.csproj" -getProperty:VersionPrefix)"
suffix="check.$(date -u +%Y%m%d%H%M%S).$$"
version="$prefix-$suffix"
packages=(MLNet.Recurrent.Core MLNet.Recurrent MLNet.Recurrent.Onnx)
echo "== dotnet pack ${packages[*]} $version (into $work/packages)"
# Packs the Release build the tree already has (brought up to date first, a no-op after `dotnet test -c Release`):
# the packages hold exactly the binaries the suite tested, and the tree's bin/ and obj/ keep the plain version.
dotnet build "$root/src/MLNet.Recurrent.Onnx/MLNet.Recurrent.Onnx.csproj" -c Release --nologo -v q -clp:NoSummary
for project in "${packages[@]}"; do
  dotnet pack "$root/src/$project/$project.csproj" -c Release --nologo -v q --no-build \
    -o "$work/packages" -p:VersionSuffix="$suffix"
done

for id in "${packages[@]}"; do
  nupkg="$work/packages/$id.$version.nupkg"
  [ -f "$nupkg" ] || fail "$nupkg was not made"
  [ -f "$work/packages/$id.$version.snupkg" ] || fail "no symbols package for $id"
  files="$(unzip -Z1 "$nupkg")"
  for f in README.md "lib/net10.0/$id.dll" "lib/net10.0/$id.xml"; do
    grep -qx "$f" <<<"$files" || fail "$id.nupkg has no $f"
  done
  symbols="$(unzip -Z1 "$work/packages/$id.$version.snupkg")"   # (not piped into grep -q: pipefail and SIGPIPE)
  grep -qx "lib/net10.0/$id.pdb" <<<"$symbols" || fail "$id.snupkg has no PDB"
  nuspec="$(unzip -p "$nupkg" "$id.nuspec")"
  grep -q '<license type="expression">MIT</license>' <<<"$nuspec" || fail "$id.nuspec has no MIT license expression"
  grep -q '<repository type="git" url="https://github.com/mlnet-recurrent/MLNet.Recurrent"' <<<"$nuspec" || fail "$id.nuspec has no repository"
done
nuspec="$(unzip -p "$work/packages/MLNet.Recurrent.$version.nupkg" MLNet.Recurrent.nuspec)"
grep -q '<dependency id="Microsoft.ML" version="\[5.0.1, 7.0.0)"' <<<"$nuspec" || fail "MLNet.Recurrent does not declare Microsoft.ML [5.0.1, 7.0.0): $(grep 'Microsoft.ML"' <<<"$nuspec")"
grep -q "<dependency id=\"MLNet.Recurrent.Core\" version=\"$version\"" <<<"$nuspec" || fail "MLNet.Recurrent does not depend on MLNet.Recurrent.Core $version"
nuspec="$(unzip -p "$work/packages/MLNet.Recurrent.Onnx.$version.nupkg" MLNet.Recurrent.Onnx.nuspec)"
grep -q "<dependency id=\"MLNet.Recurrent\" version=\"$version\"" <<<"$nuspec" || fail "MLNet.Recurrent.Onnx does not depend on MLNet.Recurrent $version"
for dependency in OnnxSharp Google.Protobuf; do
  grep -q "<dependency id=\"$dependency\"" <<<"$nuspec" || fail "MLNet.Recurrent.Onnx does not declare its dependency on $dependency"
done
if grep -q '<dependency id="Microsoft.ML.OnnxRuntime' <<<"$nuspec"; then
  fail "MLNet.Recurrent.Onnx must not force ONNX Runtime on its users (they pick the CPU or GPU package)"
fi
echo "   contents checked: README.md, DLL, XML docs, .snupkg with PDB, MIT, repository, Microsoft.ML [5.0.1, 7.0.0), the Onnx package's dependencies"

# Packages the machine already has are read from its global folder in place; the new ones are extracted into a
# temporary folder that goes with this run.
global_packages="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')"
for mlnet in "${mlnet_versions[@]}"; do
  echo "== consumer with Microsoft.ML $mlnet"
  app="$work/consumer-$mlnet"
  cp -r "$root/tests/PackageConsumer" "$app"
  rm -rf "$app/bin" "$app/obj"
  log="$work/consumer-$mlnet.log"
  if ! dotnet build "$app/PackageConsumer.csproj" -c Release --nologo \
      -p:MLNetVersion="$mlnet" -p:MLNetRecurrentVersion="$version" \
      -p:RestoreAdditionalProjectSources="$work/packages" \
      -p:RestorePackagesPath="$work/nuget-packages" -p:RestoreFallbackFolders="$global_packages" >"$log" 2>&1; then
    cat "$log"; fail "the consumer did not build with Microsoft.ML $mlnet"
  fi
  # TreatWarningsAsErrors makes NU1608 (a version outside a dependency's range) an error; say so if it shows.
  if grep -q "NU160[58]" "$log"; then cat "$log"; fail "restore with Microsoft.ML $mlnet warned about the version range"; fi
  for id in "${packages[@]}"; do
    lower="$(tr '[:upper:]' '[:lower:]' <<<"$id")"
    [ -d "$work/nuget-packages/$lower/$version" ] || fail "the consumer did not restore $id $version from $work/packages"
  done
  dll="$app/bin/Release/net10.0/PackageConsumer.dll"
  for id in "${packages[@]}"; do
    cmp -s "$root/src/$id/bin/Release/net10.0/$id.dll" "$app/bin/Release/net10.0/$id.dll" ||
      fail "the consumer's $id.dll is not the one just built and packed"
  done
  dotnet "$dll" train "$work/model-$mlnet" "$prefix" "$mlnet"
  dotnet "$dll" predict "$work/model-$mlnet"
done
echo "check-packages: passed (MLNet.Recurrent $version; Microsoft.ML ${mlnet_versions[*]})"
