#!/bin/sh
# Compares `edge-agent read` output with what dht-player sent, read by read (one start pulse per
# read, one player line per start pulse): every read must be the exact frame the player sent for
# it, or a failure with a reason. Never a wrong value. Prints ok:/FAIL: lines with the figures.
#   compare-reads.sh READ_OUTPUT PLAYER_LOG
set -u
awk -v reads="$1" '
  # player log first: frame number -> bytes sent (hex), or "no-listen"
  FILENAME != reads && /^frame=/ {
    n++
    sent[n] = "no-listen"
    for (i = 1; i <= NF; i++) if ($i ~ /^bytes=/) sent[n] = substr($i, 7)
    next
  }
  FILENAME == reads && $2 == "ok" {
    k++
    ok++
    b = $0
    sub(/.*bytes=\[/, "", b)
    sub(/\].*/, "", b)
    split(b, v, ",")
    hex = sprintf("%02x%02x%02x%02x%02x", v[1], v[2], v[3], v[4], v[5])
    if (hex == sent[k]) exact++
    else { wrong++; if (wrong <= 3) bad = bad " read " k ": got " hex " sent " sent[k] ";" }
    gap(k)
    next
  }
  FILENAME == reads && $2 == "FAIL" {
    k++
    failed++
    r = $3
    sub(/:$/, "", r)
    reasons[r]++
    d = $0
    sub(/.*FAIL  [^ ]* /, "", d)
    if (d == "" || r == "") noreason++
    gap(k)
    next
  }
  function gap(k,   g, e) {
    if (match($0, /\[edges=[0-9]+/)) {
      e = substr($0, RSTART + 7, RLENGTH - 7) + 0
      if (e > 0) withedges++
      if (e > maxedges) maxedges = e
    }
    if (match($0, /release-to-listen=[0-9]+/)) {
      g = substr($0, RSTART + 18, RLENGTH - 18) + 0
      gaps[++ng] = g
    }
  }
  END {
    total = ok + failed
    rs = ""
    for (r in reasons) rs = rs " " r "=" reasons[r]
    # sort the gaps (insertion sort: at most a few hundred)
    for (i = 2; i <= ng; i++) { x = gaps[i]; j = i - 1; while (j > 0 && gaps[j] > x) { gaps[j + 1] = gaps[j]; j-- } gaps[j + 1] = x }
    p50 = ng ? gaps[int((ng + 1) / 2)] : -1
    printf "info: %d reads, %d start pulses seen by the player; %d ok (%d exact), %d failed:%s\n", total, n, ok, exact, failed, rs
    printf "info: release-to-listen gap (Pi4J, TCG): p50 %d us, min %d us, max %d us over %d reads\n", p50, gaps[1], gaps[ng], ng
    printf "%s at least 50 reads: %d\n", (total >= 50 ? "ok:  " : "FAIL:"), total
    printf "%s one start pulse per read: %d reads, %d pulses\n", (total == n ? "ok:  " : "FAIL:"), total, n
    printf "%s never a wrong value: %d of %d good reads are exactly the bytes the player sent%s\n", (wrong == 0 ? "ok:  " : "FAIL:"), exact, ok, (wrong ? " --" bad : "")
    printf "%s every failed read has a reason: %d failed, %d without\n", (noreason == 0 ? "ok:  " : "FAIL:"), failed, noreason + 0
    printf "%s edge events reach the decoder: %d of %d reads captured edges (most %d of a frame'"'"'s 84), %d decoded\n", (withedges > 0 ? "ok:  " : "FAIL:"), withedges, total, maxedges, ok
  }
' "$2" "$1"
