#!/usr/bin/env bash
# bin/git-unchanged (what bin/test runs itself through) in a scratch git repository: a command
# that rewrites a tracked file, adds a file git does not ignore, or modifies an already modified
# file again fails; one that writes only ignored paths passes, and so do changes made before.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
CHECK="$ROOT/bin/git-unchanged"
REPO="$(mktemp -d)"
trap 'rm -rf "$REPO"' EXIT
cd "$REPO"
git init -q .
git config user.email t@example.org && git config user.name t
mkdir -p docs/img && printf 'png v1' >docs/img/shot.png && printf 'target/\n' >.gitignore
git add . && git commit -qm init

fails=0
expect() { # expect <rc wanted: 0|nonzero> <what> -- command...
  local want="$1" what="$2"; shift 3
  local rc=0 err
  err="$("$CHECK" "$@" 2>&1 >/dev/null)" || rc=$?
  if { [ "$want" = 0 ] && [ $rc -ne 0 ]; } || { [ "$want" != 0 ] && [ $rc -eq 0 ]; }; then
    echo "FAIL: $what (exit $rc) $err"; fails=$((fails + 1))
  else
    echo "ok: $what"
  fi
  LAST_ERR="$err"
}

expect 0 "writing under an ignored target/ passes" -- sh -c 'mkdir -p target && echo x >target/shot.png'
expect nonzero "rewriting a tracked docs image fails" -- sh -c 'printf "png v2" >docs/img/shot.png'
case "$LAST_ERR" in *docs/img/shot.png*) echo "ok: the message names the file" ;;
  *) echo "FAIL: the message does not name the file: $LAST_ERR"; fails=$((fails + 1)) ;; esac
git checkout -q -- docs/img/shot.png
expect nonzero "a new file git does not ignore fails" -- sh -c 'echo x >stray.txt'
rm -f stray.txt
expect nonzero "a failing command keeps its failure" -- sh -c 'exit 3'

# A developer's own uncommitted change may stay; the run may not touch it again.
printf 'png local edit' >docs/img/shot.png
expect 0 "a change made before the run, left alone, passes" -- true
expect nonzero "modifying an already modified file again fails" -- sh -c 'printf "png v3" >docs/img/shot.png'
echo untracked-before >notes.txt
expect nonzero "rewriting an untracked file that was there before fails" -- sh -c 'echo changed >notes.txt'

# Outside a git checkout it just runs the command.
OUT="$(mktemp -d)"
(cd "$OUT" && GIT_CEILING_DIRECTORIES="$OUT" "$CHECK" sh -c 'echo x >f') && echo "ok: outside git it runs the command" \
  || { echo "FAIL: outside git"; fails=$((fails + 1)); }
rm -rf "$OUT"

[ $fails -eq 0 ] || { echo "git-unchanged: $fails failed"; exit 1; }
echo "git-unchanged: all passed"
