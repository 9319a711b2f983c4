#!/usr/bin/env bash
# Converts the CDNOW master order log (Fader & Hardie; see examples/data/README.md),
# or the 2,357-customer sample drawn from it, into the event CSV that
# `lifecycle replay` and `lifecycle fit` read:
#
#   time,person,event,amount,id,cds
#   1997-01-01,00001,purchase,11.77,c00001-1,1
#
# One `purchase` event per row of the raw file: time = the date (midnight UTC),
# person = the customer id as written (5 digits), amount = the dollar value,
# id = c<customer>-<n> for the customer's n-th row in the raw file (stable, so a
# row replayed twice is a duplicate), cds = the number of CDs (an extra column
# the replay ignores). Rows on the same day by the same customer stay separate
# purchases. Rows are sorted by date, then customer, then n, so the replay sees
# the log in time order (the raw file is sorted by customer).
#
# The sample (CDNOW_sample.txt) has a fifth column, the customer's number within
# the sample (`master_id sample_id date cds dollars`); it is dropped, so each
# sample row becomes exactly the row the master file gives for it.
#
# usage: scripts/cdnow-to-csv.sh [CDNOW_master.txt] > examples/data/cdnow.csv
#        scripts/cdnow-to-csv.sh examples/data/CDNOW_sample.txt > examples/data/cdnow_sample.csv
set -euo pipefail
in=${1:-"$(dirname "$0")/../examples/data/CDNOW_master.txt"}
export LC_ALL=C
{
  echo "time,person,event,amount,id,cds"
  tr -d '\r' < "$in" | awk '
    NR == 1 && $1 == "customer_id" { next }            # the header the lifetimes copy added
    NF == 0 { next }
    NF == 5 && $2 ~ /^[0-9]+$/ { $2 = $3; $3 = $4; $4 = $5; NF = 4 }   # the sample: drop sample_id
    NF != 4 || length($2) != 8 || $2 !~ /^[0-9]+$/ || $4 !~ /^[0-9]+(\.[0-9]+)?$/ {
      printf "cdnow-to-csv: line %d is not \"customer date cds dollars\"\n", NR > "/dev/stderr"; exit 1
    }
    {
      n = ++seen[$1]
      printf "%s-%s-%s,%s,purchase,%s,c%s-%d,%s,%d\n", substr($2, 1, 4), substr($2, 5, 2), substr($2, 7, 2), $1, $4, $1, n, $3, n
    }' | sort -t, -k1,1 -k2,2 -k7,7n | cut -d, -f1-6
}
