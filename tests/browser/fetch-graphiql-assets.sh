#!/usr/bin/env bash
# Puts GraphiQL's four browser files into the folder given, from the npm
# registry, for a server started with VOIMAVARA_GRAPHIQL_ASSETS=<folder>
# on a machine that cannot reach unpkg.com. The versions match the page.
set -euo pipefail
dest=${1:?usage: fetch-graphiql-assets.sh FOLDER}
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent graphiql@3.9.0 react@18.3.1 react-dom@18.3.1 >/dev/null)
tar xzf "$work/graphiql-3.9.0.tgz" -C "$work" package/graphiql.min.js package/graphiql.min.css
cp "$work/package/graphiql.min.js" "$work/package/graphiql.min.css" "$dest/"
tar xzf "$work/react-18.3.1.tgz" -C "$work" package/umd/react.production.min.js
cp "$work/package/umd/react.production.min.js" "$dest/"
tar xzf "$work/react-dom-18.3.1.tgz" -C "$work" package/umd/react-dom.production.min.js
cp "$work/package/umd/react-dom.production.min.js" "$dest/"
