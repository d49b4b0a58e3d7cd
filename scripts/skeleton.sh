# Shared by new-package.sh and new-example.sh (sourced, not run): the parts
# of a workspace package's skeleton that are the same for both.

# skeleton_deps dep... → `"@dio/a": "workspace:*","@dio/b": "workspace:*"` for package.json
skeleton_deps() {
  local out="" d
  for d in "$@"; do out+="\"@dio/$d\": \"workspace:*\","; done
  printf '%s' "${out%,}"
}

# skeleton_configs <dir> <tsconfig include list, e.g. '"src", "test"'>: tsconfig.json and vitest.config.ts
skeleton_configs() {
  local dir=$1 include=$2
  cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "include": [$include]
}
JSON
  printf "export { default } from '../../vitest.shared.ts';\n" > "$dir/vitest.config.ts"
}
