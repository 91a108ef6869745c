#!/usr/bin/env bash
# Regenerates Sources/OTLPProto from Protos/ with Debian's protoc and the
# protoc-gen-swift plugin of the swift-protobuf version named in Package.swift.
# The output is committed; run this only after editing a .proto file.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
version=1.39.0
work="$root/.build-protoc-gen-swift"

if ! command -v protoc >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler
fi
if [ ! -x "$work/src/.build/release/protoc-gen-swift" ]; then
  rm -rf "$work/src"
  mkdir -p "$work"
  git clone -q https://github.com/apple/swift-protobuf "$work/src"
  git -C "$work/src" checkout -q "$version"
  (cd "$work/src" && swift build -c release --product protoc-gen-swift)
fi

out="$root/Sources/OTLPProto"
rm -f "$out"/*.pb.swift
protoc \
  --plugin=protoc-gen-swift="$work/src/.build/release/protoc-gen-swift" \
  --swift_out="$out" \
  --swift_opt=Visibility=Public \
  --swift_opt=FileNaming=PathToUnderscores \
  -I "$root/Protos" \
  $(cd "$root/Protos" && find . -name '*.proto' | sed 's|^\./||' | sort)
echo "generated: $(ls "$out"/*.pb.swift | wc -l) files in $out"
