#!/usr/bin/env bash
# Throughput of html2cmark against its peers (htmd, fast_html2md, html-to-markdown-rs, mdka) and the html5ever
# baselines, in one process on the same inputs. Prints the Markdown table and writes
#   docs/bench-results.md   the table (as printed)
#   docs/bench-results.tsv  the raw numbers
#   docs/throughput.svg     MB/s per converter on pages and articles
#   docs/scaling.svg        time against input size, 1 KB … 100 MB
# With CALLGRIND=1 it also counts instructions per input byte (valgrind) for ours and the parse-only floor.
#
# Usage: scripts/compare.sh [--runs N] [--max-size BYTES] [--out DIR]
# The peers live in bench-peers/ (its own workspace), so they never slow the main build or CI.
# Inputs: shared/corpus next to the repository, or HTML2CMARK_CORPUS=/path/to/corpus.
set -euo pipefail
cd "$(dirname "$0")/../bench-peers"
cargo build --release --quiet
bin=target/release/bench-peers
"$bin" "$@"

if [[ "${CALLGRIND:-0}" == 1 ]]; then
    out=$(mktemp -d)
    ir() { # converter input -> instructions executed
        valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$bin" once "$1" "$2" >/dev/null 2>"$out/log"
        grep -o 'Collected : [0-9]*' "$out/log" | grep -o '[0-9]*'
    }
    bytes() { "$bin" once none "$1" | cut -d' ' -f1; }
    {
        echo
        echo "Instructions per input byte (callgrind; loading the files subtracted):"
        echo
        echo "| input | bytes | convert | convert_reader | rcdom parse | tokenize |"
        echo "|---|---:|---:|---:|---:|---:|"
        for input in pages articles article:1000000; do
            n=$(bytes "$input")
            base=$(ir none "$input")
            row="| $input | $n |"
            for conv in html2cmark-convert html2cmark-convert_reader html5ever-rcdom-parse html5ever-tokenize; do
                row+=" $(awk -v a="$(ir "$conv" "$input")" -v b="$base" -v n="$n" 'BEGIN { printf "%.0f", (a - b) / n }') |"
            done
            echo "$row"
        done
    } | tee -a ../docs/bench-results.md
    rm -rf "$out"
fi
