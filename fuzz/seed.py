#!/usr/bin/env python3
"""Seeds the fuzz corpora from ../../shared (run from fuzz/).

convert, stream: html5lib-inputs.json, the HTML of the CommonMark and GFM spec examples, and corpus files <= 64 KiB.
markdown, markdown_safe: the Markdown of the spec examples and the corpus's Markdown archives (articles*/).
writer: no seeds (its input is a structure built by `arbitrary`; the fuzzer grows its own corpus).
"""
import json, pathlib

root = pathlib.Path(__file__).resolve().parent
shared = root.parent.parent / "shared"
conformance = shared / "conformance"
examples = []
for name in ["spec.json", "gfm-spec.json", "gfm-extensions.json"]:
    path = conformance / name
    if path.exists():
        examples += json.loads(path.read_text())
html = [s.encode("utf-8") for s in json.loads((conformance / "html5lib-inputs.json").read_text())]
html += [e["html"].encode("utf-8") for e in examples if "html" in e]
markdown = [e["markdown"].encode("utf-8") for e in examples if "markdown" in e]
for page in sorted((shared / "corpus").glob("*/*")):
    data = page.read_bytes()
    if len(data) > 64 * 1024:
        continue
    html.append(data)
    if page.parent.name.startswith("articles"):
        markdown.append(data)
targets = [
    ("convert", b"\x00", html),
    ("stream", b"\x03\x20\x80\xe0", html),
    ("markdown", b"\x00", markdown),
    ("markdown_safe", b"\x00", markdown),
]
for target, prefix, inputs in targets:
    out = root / "corpus" / target
    out.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(inputs):
        (out / f"seed-{i:05}").write_bytes(prefix + data)
    print(f"{target}: {len(inputs)} seeds")
