# Source me (bash or zsh): `. tools/env.sh` from any directory.
# Puts this repository's .toolchain/bin (Node 24 and pnpm, installed by tools/setup) first on PATH
# when it exists. Changes nothing else.
if [ -n "${BASH_SOURCE:-}" ]; then
  __dreamer_env_src="${BASH_SOURCE[0]}"
elif [ -n "${ZSH_VERSION:-}" ]; then
  eval '__dreamer_env_src="${(%):-%x}"'
else
  __dreamer_env_src="$0"
fi
__dreamer_env_bin="$(cd -- "$(dirname -- "$__dreamer_env_src")/.." && pwd -P)/.toolchain/bin"
if [ -d "$__dreamer_env_bin" ]; then
  case ":$PATH:" in
    ":$__dreamer_env_bin:"*) ;;  # already first
    *) PATH="$__dreamer_env_bin:$PATH"; export PATH ;;
  esac
  hash -r 2>/dev/null || true
fi
unset __dreamer_env_src __dreamer_env_bin
